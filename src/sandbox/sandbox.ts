/**
 * The local sandbox: the whole bot in a browser with no Slack workspace. It starts the Slack
 * stand-in (a seeded workspace), the page server on 127.0.0.1, embedded PostgreSQL (fresh, in a
 * temporary folder, unless a database URL is given) and the unchanged bot pointed at the
 * stand-in; optionally it seeds the demo engagements through the bot's own commands.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../db/embedded-postgres.js';
import { createLogger, type Logger } from '../logger.js';
import { type RunningApp, startApp } from '../main.js';
import { type FakeSlack, startFakeSlack } from './fake-slack.js';
import { ensurePageBuilt } from './page-build.js';
import { type PageServer, startPageServer } from './server/page-server.js';
import { WorkspaceActor } from './server/workspace-actor.js';
import { seedDemo } from './workspace-demo.js';
import { PERSON, SANDBOX_TEAM, seedWorkspace } from './workspace-people.js';

export interface SandboxOptions {
  /** Page port; 0 picks a free one. */
  port?: number;
  /** Use this database instead of a fresh embedded one. */
  databaseUrl?: string;
  demo?: boolean;
  logger?: Logger;
  /** Extra settings for the bot. */
  env?: Record<string, string>;
  /** Called as soon as the page's address is known, before anything slow starts. */
  onAddress?: (url: string) => void;
}

export interface Sandbox {
  /** The page, e.g. `http://127.0.0.1:5180`. */
  readonly url: string;
  readonly fake: FakeSlack;
  readonly actor: WorkspaceActor;
  readonly app: RunningApp;
  stop(): Promise<void>;
}

export const DEFAULT_SANDBOX_PORT = 5180;

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const logger = options.logger ?? createLogger('warn');
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => {});
  };
  try {
    const fake = await startFakeSlack();
    stops.push(() => fake.stop());
    seedWorkspace(fake);
    const team = fake.workspace.teams.get(SANDBOX_TEAM.id)!;
    const actor = new WorkspaceActor(fake, team);
    const page: PageServer = await startPageServer(actor, { port: options.port ?? 0 });
    stops.push(() => page.stop());
    options.onAddress?.(page.url);

    let databaseUrl = options.databaseUrl;
    const [pageDir] = await Promise.all([
      ensurePageBuilt(),
      databaseUrl
        ? undefined
        : (async () => {
            const dir = await mkdtemp(path.join(tmpdir(), 'amos-sandbox-'));
            stops.push(() => rm(dir, { recursive: true, force: true }));
            // As root, embedded PostgreSQL runs as a `postgres` user that must reach the folder.
            await chmod(dir, 0o755);
            const db: EmbeddedDatabase = await startEmbeddedPostgres({
              dataDir: dir,
              persistent: false,
            });
            stops.push(() => db.stop());
            databaseUrl = db.url;
          })(),
    ]);
    const signingSecret = randomBytes(16).toString('hex');
    const app = await startApp({
      env: {
        SLACK_API_URL: fake.apiUrl,
        SLACK_SIGNING_SECRET: signingSecret,
        SLACK_BOT_TOKEN: SANDBOX_TEAM.botToken,
        AMOS_ADMINS: PERSON.avery.id,
        DATABASE_URL: databaseUrl,
        PORT: '0',
        ...options.env,
      },
      logger,
    });
    stops.push(() => app.stop());
    actor.connect({ eventsUrl: `http://127.0.0.1:${app.port}/slack/events`, signingSecret });
    if (options.demo) await seedDemo({ actor, db: app.db });
    page.servePage(pageDir);
    return { url: page.url, fake, actor, app, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
