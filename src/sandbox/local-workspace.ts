import { randomBytes } from 'node:crypto';
import { type FakeSlack, startFakeSlack } from './fake-slack.js';

export const LOCAL_TEAM = {
  id: 'T0LOCAL',
  name: 'AMOS Local',
  botToken: 'xoxb-local-sandbox',
  botUserId: 'U0AMOSBOT',
  botId: 'B0AMOSBOT',
} as const;

/** The people of the local workspace, one per AMOS role. */
export const LOCAL_PEOPLE = [
  { id: 'U0ADMIN', name: 'avery.admin', realName: 'Avery Admin', role: 'admin' },
  { id: 'U0EXEC', name: 'erin.exec', realName: 'Erin Executive', role: 'executive' },
  { id: 'U0OPER', name: 'oscar.operator', realName: 'Oscar Operator', role: 'operator' },
  { id: 'U0PART', name: 'pat.partner', realName: 'Pat Partner', role: 'partner' },
] as const;

export interface LocalSandbox {
  readonly fake: FakeSlack;
  /** Settings that point the app at the stand-in. */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

/** Starts the Slack stand-in on 127.0.0.1 with a seeded workspace, for running the app locally. */
export async function startLocalSandbox(options: { port?: number } = {}): Promise<LocalSandbox> {
  const fake = await startFakeSlack(options.port === undefined ? {} : { port: options.port });
  fake.addTeam(LOCAL_TEAM);
  for (const person of LOCAL_PEOPLE) {
    fake.addUser(LOCAL_TEAM.id, { id: person.id, name: person.name, realName: person.realName });
  }
  fake.addChannel(LOCAL_TEAM.id, {
    id: 'C0GENERAL',
    name: 'general',
    members: [LOCAL_TEAM.botUserId, ...LOCAL_PEOPLE.map((p) => p.id)],
  });
  return {
    fake,
    env: {
      SLACK_API_URL: fake.apiUrl,
      SLACK_SIGNING_SECRET: randomBytes(16).toString('hex'),
      SLACK_BOT_TOKEN: LOCAL_TEAM.botToken,
      AMOS_ADMINS: 'U0ADMIN',
    },
    stop: () => fake.stop(),
  };
}
