/**
 * The seeded workspace of the local sandbox: one team, its bot, six people in different time
 * zones (an admin, two executives, an operator and two members of a partner organisation) and
 * #general. Plain data, shared by the sandbox, its demo seed and the browser tests.
 */
import type { FakeSlack } from './fake-slack.js';

export const SANDBOX_TEAM = {
  id: 'T0LOCAL',
  name: 'AMOS Sandbox',
  botToken: 'xoxb-local-sandbox',
  botUserId: 'U0AMOSBOT',
  botId: 'B0AMOSBOT',
  botName: 'amos',
  appId: 'A0AMOSLOCAL',
} as const;

export interface SandboxPerson {
  id: string;
  name: string;
  realName: string;
  /** What the person is in the seeded story (roles are granted by the demo, not here). */
  role: 'admin' | 'executive' | 'operator' | 'partner';
  tz: string;
}

export const SANDBOX_PEOPLE: readonly SandboxPerson[] = [
  { id: 'U0ADMIN', name: 'avery', realName: 'Avery Admin', role: 'admin', tz: 'America/New_York' },
  {
    id: 'U0EXEC',
    name: 'erin',
    realName: 'Erin Executive',
    role: 'executive',
    tz: 'Europe/London',
  },
  { id: 'U0EXEC2', name: 'evan', realName: 'Evan Executive', role: 'executive', tz: 'Asia/Tokyo' },
  {
    id: 'U0OPER',
    name: 'oscar',
    realName: 'Oscar Operator',
    role: 'operator',
    tz: 'America/Los_Angeles',
  },
  { id: 'U0PART', name: 'pat', realName: 'Pat Partner', role: 'partner', tz: 'Europe/Berlin' },
  {
    id: 'U0PART2',
    name: 'quinn',
    realName: 'Quinn Partner',
    role: 'partner',
    tz: 'Australia/Sydney',
  },
];

export const PERSON = Object.fromEntries(SANDBOX_PEOPLE.map((p) => [p.name, p])) as Record<
  'avery' | 'erin' | 'evan' | 'oscar' | 'pat' | 'quinn',
  SandboxPerson
>;

export const GENERAL_CHANNEL = 'C0GENERAL';

/** Adds the team, its people and #general (everyone and the bot) to a fake Slack. */
export function seedWorkspace(fake: FakeSlack): void {
  fake.addTeam(SANDBOX_TEAM);
  for (const p of SANDBOX_PEOPLE) {
    fake.addUser(SANDBOX_TEAM.id, { id: p.id, name: p.name, realName: p.realName, tz: p.tz });
  }
  fake.addChannel(SANDBOX_TEAM.id, {
    id: GENERAL_CHANNEL,
    name: 'general',
    members: [SANDBOX_TEAM.botUserId, ...SANDBOX_PEOPLE.map((p) => p.id)],
  });
}
