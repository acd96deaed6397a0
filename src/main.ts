import type { AddressInfo } from 'node:net';
import { type Clock, fileClock, systemClock } from './clock.js';
import { type Config, loadConfig } from './config.js';
import { createDb, type Db } from './db/database.js';
import { type EmbeddedDatabase, startEmbeddedPostgres } from './db/embedded-postgres.js';
import { migrateToLatest } from './db/migrate.js';
import { listInstalledTeams } from './db/reconcile-repository.js';
import { JOBS } from './jobs/index.js';
import { type JobQueue, startJobQueue } from './jobs/queue.js';
import { type Scheduler, startScheduler } from './jobs/scheduler.js';
import { workspaceClients } from './jobs/slack-client.js';
import { createLogger, type Logger } from './logger.js';
import { createServices } from './services/index.js';
import {
  checkInstallationKeys,
  createInstallationStore,
  keyCheckNotice,
} from './services/installation-service.js';
import { createTokenCipher } from './services/token-cipher.js';
import { createSlackApp } from './slack/app.js';

export interface RunningApp {
  readonly config: Config;
  readonly db: Db;
  /** The bound HTTP port (useful with PORT=0). */
  readonly port: number;
  /**
   * Resolves once no Slack request is being processed and no follow-up job is running or due
   * (bounded, 10 s by default).
   */
  idle(timeoutMs?: number): Promise<void>;
  /** The scheduler of a process running workers (runOnce: one pass now, for tests). */
  readonly scheduler?: Scheduler;
  stop(): Promise<void>;
}

/** Opens the configured database, or starts the embedded one when DATABASE_URL is unset. */
export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir'>,
  logger: Logger,
): Promise<{ db: Db; url: string; embedded?: EmbeddedDatabase }> {
  let embedded: EmbeddedDatabase | undefined;
  let url = config.databaseUrl;
  if (!url) {
    logger.info(
      { dataDir: config.dataDir },
      'DATABASE_URL is not set: starting embedded PostgreSQL',
    );
    embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      onNotice: (message) => logger.info({ dataDir: config.dataDir }, message),
    });
    url = embedded.url;
  }
  const db = createDb(url, {
    onIdleError: (e) => logger.warn({ err: e.message }, 'database connection lost'),
  });
  return embedded ? { db, url, embedded } : { db, url };
}

/** What a process runs: both sides (the default), only HTTP (`--no-worker`), or only workers. */
export type AppRole = 'all' | 'http' | 'worker';

/**
 * Composition root: settings -> database (migrated) -> job queue -> services -> Slack app ->
 * workers. Returns a handle whose stop() drains in reverse order: Slack first (requests
 * finish), then the workers (running jobs finish), then the pool, then the embedded server.
 */
export async function startApp(
  options: {
    env?: Record<string, string | undefined>;
    clock?: Clock;
    logger?: Logger;
    role?: AppRole;
  } = {},
): Promise<RunningApp> {
  const config = loadConfig(options.env ?? process.env);
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? (config.clockFile ? fileClock(config.clockFile) : systemClock);
  if (!options.clock && config.clockFile)
    logger.warn(
      { clockFile: config.clockFile },
      'the time is read from AMOS_CLOCK_FILE (tests only)',
    );
  const role = options.role ?? 'all';
  const { db, url, embedded } = await openDatabase(config, logger);
  let jobs: JobQueue | undefined;
  try {
    const applied = await migrateToLatest(db);
    if (applied.length > 0)
      logger.info({ migrations: applied.map((m) => m.migrationName) }, 'migrated');
    jobs = await startJobQueue({
      databaseUrl: url,
      db,
      config,
      logger,
      registry: JOBS,
      supervise: role !== 'http',
    });
    const services = createServices({
      db,
      clock,
      admins: config.admins,
      jobs: jobs.sender,
      reminders: config.reminders,
      escalations: { slas: config.sla, workingHours: config.workingHours },
    });
    let installationStore: ReturnType<typeof createInstallationStore> | undefined;
    if (config.slack.kind === 'oauth') {
      const cipher = createTokenCipher(config.slack.encryptionKey);
      const previous = config.slack.previousEncryptionKey;
      const previousCipher = previous ? createTokenCipher(previous) : undefined;
      const notice = keyCheckNotice(
        await checkInstallationKeys({ db, cipher, previousCipher }),
        previousCipher !== undefined,
      );
      if (notice) logger.info(notice);
      installationStore = createInstallationStore({ db, clock, cipher, previousCipher });
    }
    let scheduler: Scheduler | undefined;
    if (role !== 'http') {
      const clientFor = workspaceClients({
        config,
        logger,
        ...(installationStore ? { installationStore } : {}),
      });
      await jobs.startWorkers({ deps: services.deps, logger, config, clientFor });
      logger.info({ jobs: JOBS.length }, 'job workers started');
      scheduler = startScheduler({
        deps: services.deps,
        jobs: jobs.sender,
        config,
        logger,
        clientFor,
        teams: () => listInstalledTeams(db),
        everyMs: config.schedulerEvery,
      });
    }
    const slack =
      role === 'worker'
        ? undefined
        : createSlackApp({
            config,
            services,
            logger,
            ...(installationStore ? { installationStore } : {}),
          });
    await slack?.start();
    const address = slack?.server()?.address() as AddressInfo | null | undefined;
    const port = address?.port ?? config.port;
    if (slack) logger.info({ port, mode: config.slack.kind }, 'AMOS is listening');
    const queue = jobs;
    return {
      config,
      db,
      port,
      ...(scheduler ? { scheduler } : {}),
      async idle(timeoutMs = 10_000) {
        const deadline = Date.now() + timeoutMs;
        // A job's change can only come from a request, and a request's jobs only after it: wait
        // for requests, then jobs, then requests again (none should have arrived meanwhile).
        await slack?.idle(timeoutMs);
        await queue.idle(Math.max(0, deadline - Date.now()));
        await slack?.idle(Math.max(0, deadline - Date.now()));
      },
      async stop() {
        await slack?.stop().catch((e) => logger.warn({ err: String(e) }, 'slack stop failed'));
        await scheduler?.stop();
        await queue.stop().catch((e) => logger.warn({ err: String(e) }, 'job queue stop failed'));
        await db.destroy();
        await embedded?.stop();
        logger.info('stopped');
      },
    };
  } catch (error) {
    await jobs?.stop().catch(() => undefined);
    await db.destroy();
    await embedded?.stop();
    throw error;
  }
}
