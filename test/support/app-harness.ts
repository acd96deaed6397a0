import { type Clock, systemClock } from '../../src/clock.js';
import type { Db } from '../../src/db/database.js';
import { createDb } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createLogger } from '../../src/logger.js';
import { type AppRole, type RunningApp, startApp } from '../../src/main.js';
import { type FakeSlack, startFakeSlack } from '../../src/sandbox/fake-slack.js';
import { createInstallationStore } from '../../src/services/installation-service.js';
import { createTokenCipher } from '../../src/services/token-cipher.js';
import { BOT_SCOPES } from '../../src/slack/app.js';
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

/** Stores a workspace's OAuth installation exactly as the app's install flow would. */
export async function installWorkspace(
  databaseUrl: string,
  team: typeof TEAM & { installedBy: string },
  encryptionKey: string = ENCRYPTION_KEY,
): Promise<void> {
  const db = createDb(databaseUrl, { max: 1 });
  try {
    await migrateToLatest(db);
    const store = createInstallationStore({
      db,
      clock: systemClock,
      cipher: createTokenCipher(encryptionKey),
    });
    await store.storeInstallation({
      team: { id: team.id, name: team.name },
      enterprise: undefined,
      user: { id: team.installedBy, token: undefined, scopes: undefined },
      bot: {
        token: team.botToken,
        userId: team.botUserId,
        id: team.botId,
        scopes: [...BOT_SCOPES],
      },
      tokenType: 'bot',
      isEnterpriseInstall: false,
      appId: 'A0AMOS',
      authVersion: 'v2',
    });
  } finally {
    await db.destroy();
  }
}

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
export const ENCRYPTION_KEY = 'test-encryption-key-0123456789abcdef0123456789';

/** Follow-up jobs in tests: short retries and polling, App Home not debounced. */
export const TEST_JOB_SETTINGS = {
  AMOS_JOB_POLL: '500ms',
  AMOS_JOB_RETRY_DELAY: '100ms',
  AMOS_HOME_DEBOUNCE: '1ms',
  AMOS_SLACK_TIMEOUT: '3s',
};

export interface HarnessOptions {
  env?: Record<string, string>;
  clock?: Clock;
  database?: TestDatabase;
  databaseUrl?: string;
  /**
   * Run as a multi-workspace OAuth app with these workspaces installed (their installations
   * stored encrypted, as the install flow would) instead of the single-token install.
   */
  oauthTeams?: (typeof TEAM & { installedBy: string })[];
  /** false: the oauthTeams' installations are already stored (a restart); stored afresh otherwise. */
  install?: boolean;
  /** A fake Slack already running (shared by several app instances); one is started otherwise. */
  fake?: FakeSlack;
  /** What the app runs: both sides (default), only HTTP, or only job workers. */
  role?: AppRole;
}

/** A fake Slack with the test workspace, for several app instances (or processes) to share. */
export async function startSharedFakeSlack(): Promise<FakeSlack> {
  const fake = await startFakeSlack();
  fake.addTeam(TEAM);
  return fake;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const database = options.databaseUrl
    ? undefined
    : (options.database ?? (await createTestDatabase()));
  const databaseUrl = options.databaseUrl ?? database?.url;
  const ownFake = !options.fake;
  const fake = options.fake ?? (await startFakeSlack());
  let slackEnv: Record<string, string> = { SLACK_BOT_TOKEN: TEAM.botToken };
  if (options.oauthTeams) {
    slackEnv = {
      SLACK_CLIENT_ID: '1111.2222',
      SLACK_CLIENT_SECRET: 'test-client-secret',
      SLACK_STATE_SECRET: 'test-state-secret',
      AMOS_ENCRYPTION_KEY: ENCRYPTION_KEY,
    };
    for (const team of options.oauthTeams) {
      fake.addTeam(team);
      if (options.install !== false) await installWorkspace(databaseUrl!, team);
    }
  } else {
    if (ownFake) fake.addTeam(TEAM);
  }
  const app = await startApp({
    env: {
      SLACK_API_URL: fake.apiUrl,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      ...slackEnv,
      DATABASE_URL: databaseUrl,
      PORT: '0',
      ...TEST_JOB_SETTINGS,
      ...options.env,
    },
    logger: createLogger((process.env.AMOS_TEST_LOG as 'error' | undefined) ?? 'error'),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.role ? { role: options.role } : {}),
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
      if (ownFake) await fake.stop();
      await database?.drop();
    },
  };
}
