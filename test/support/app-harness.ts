import type { Clock } from '../../src/clock.js';
import type { Db } from '../../src/db/database.js';
import { createLogger } from '../../src/logger.js';
import { type RunningApp, startApp } from '../../src/main.js';
import { type FakeSlack, startFakeSlack } from '../../src/sandbox/fake-slack.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { SlackDriver } from './driver.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const TEAM = {
  id: 'T0AMOS',
  name: 'Amos Test',
  botToken: 'xoxb-test-T0AMOS',
  botUserId: 'U0BOT',
  botId: 'B0BOT',
};

export interface Harness {
  readonly app: RunningApp;
  readonly fake: FakeSlack;
  readonly db: Db;
  readonly driver: SlackDriver;
  /** http://127.0.0.1:<port> of the running app. */
  readonly baseUrl: string;
  stop(): Promise<void>;
}

/**
 * The real app (Bolt HTTP receiver, services, migrations) on a fresh database, talking to a
 * fake Slack Web API on 127.0.0.1, with a driver that sends signed requests to it.
 */
export async function startHarness(
  options: {
    env?: Record<string, string>;
    clock?: Clock;
    database?: TestDatabase;
    databaseUrl?: string;
  } = {},
): Promise<Harness> {
  const database = options.databaseUrl
    ? undefined
    : (options.database ?? (await createTestDatabase()));
  const fake = await startFakeSlack();
  fake.addTeam(TEAM);
  const app = await startApp({
    env: {
      SLACK_API_URL: fake.apiUrl,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: TEAM.botToken,
      DATABASE_URL: options.databaseUrl ?? database?.url,
      PORT: '0',
      ...options.env,
    },
    logger: createLogger('error'),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const baseUrl = `http://127.0.0.1:${app.port}`;
  const driver = new SlackDriver({
    eventsUrl: `${baseUrl}/slack/events`,
    signingSecret: SIGNING_SECRET,
    teamId: TEAM.id,
    createResponseUrl: () => fake.createResponseUrl(),
  });
  return {
    app,
    fake,
    db: app.db,
    driver,
    baseUrl,
    async stop() {
      await app.stop();
      await fake.stop();
      await database?.drop();
    },
  };
}
