import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WebClient } from '@slack/web-api';
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import PgBoss from 'pg-boss';
import { ZodError } from 'zod';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Logger } from '../logger.js';
import type { EnqueueOptions, JobSender, ServiceDeps } from '../services/change.js';
import type { JobDefinition } from './job.js';
import { jobContext } from './job-context.js';
import { RunAgainLater, SlackCallFailed } from './slack-failure.js';

/** pg-boss keeps its tables in this schema of the app's own database. */
export const JOB_SCHEMA = 'pgboss';

/** What a job row holds: its key, which attempt this is, and the job's own payload. */
interface Envelope {
  readonly key: string;
  readonly attempt: number;
  readonly payload: unknown;
}

/** What workers need to carry jobs out. */
export interface WorkerRuntime {
  readonly deps: ServiceDeps;
  readonly logger: Logger;
  readonly config: Config;
  /** The bot client of a workspace, without retries of its own. */
  clientFor(teamId: string): Promise<WebClient>;
}

export interface JobQueue {
  /** Enqueues in a change's transaction (ServiceDeps.jobs). */
  readonly sender: JobSender;
  /** Runs workers for every registered job in this process. */
  startWorkers(runtime: WorkerRuntime): Promise<void>;
  /**
   * Resolves once no job is running here and none in the database is active or due before the
   * timeout (bounded, 10 s by default): for draining and for tests that wait for quiet.
   */
  idle(timeoutMs?: number): Promise<void>;
  /** Stops fetching, lets running jobs finish (bounded), then closes the queue's connections. */
  stop(): Promise<void>;
}

/** pg-boss's `db` option over a kysely connection or transaction. */
export function sqlAdapter(db: Kysely<unknown> | Transaction<unknown> | Db): PgBoss.Db {
  return {
    async executeSql(text: string, values: unknown[]) {
      const result = await (db as Kysely<unknown>).executeQuery(
        CompiledQuery.raw(text, values ?? []),
      );
      return { rows: result.rows as unknown[] };
    },
  };
}

/** A stable job id for a key, so enqueuing the same `once` key twice keeps one job. */
function idForKey(name: string, key: string): string {
  const h = createHash('sha256').update(`${name}\u0000${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Starts pg-boss on the app's database (its schema created or migrated), creates a queue for
 * every registered job, and returns the handle the composition root wires in.
 */
export async function startJobQueue(options: {
  databaseUrl: string;
  db: Db;
  config: Config;
  logger: Logger;
  registry: readonly JobDefinition[];
  /** Run pg-boss maintenance (expiring jobs of crashed processes) here: worker processes do. */
  supervise: boolean;
}): Promise<JobQueue> {
  const { config, logger, registry, db } = options;
  const settings = config.jobs;
  const byName = new Map(registry.map((d) => [d.name, d]));
  const expireInSeconds = Math.max(1, Math.round(settings.expireMs / 1000));
  const boss = new PgBoss({
    connectionString: options.databaseUrl,
    schema: JOB_SCHEMA,
    max: 4,
    application_name: 'amos-jobs',
    migrate: true,
    schedule: false,
    supervise: options.supervise,
    maintenanceIntervalSeconds: Math.max(1, Math.min(60, Math.floor(expireInSeconds / 2))),
    archiveCompletedAfterSeconds: 3_600,
  });
  boss.on('error', (error: Error) =>
    logger.warn({ err: error.message }, 'job queue error (it keeps going)'),
  );
  await boss.start();
  for (const def of registry) {
    const queue = {
      name: def.name,
      policy: def.kind === 'latest' ? ('singleton' as const) : ('standard' as const),
      // For unexpected errors (a database outage, a bug); Slack failures have their own policy.
      retryLimit: settings.attempts,
      retryDelay: Math.max(1, Math.round(settings.retryDelayMs / 1000)),
      retryBackoff: true,
      expireInSeconds,
    };
    await boss.createQueue(def.name, queue);
    await boss.updateQueue(def.name, queue);
  }

  const workerIds = new Map<string, string[]>();
  let running = 0;

  const sender: JobSender = {
    async send(trx, name, payload, enqueue: EnqueueOptions) {
      const def = byName.get(name);
      if (!def) throw new Error(`no job named ${name} is registered`);
      const data: Envelope = { key: enqueue.key, attempt: 1, payload: def.payload.parse(payload) };
      const delayMs = def.delayMs?.(config);
      const startAfter = enqueue.startAfter ?? (delayMs ? delayMs / 1000 : undefined);
      const id = await boss.send(name, data, {
        db: sqlAdapter(trx),
        singletonKey: enqueue.key,
        ...(def.kind === 'once' ? { id: idForKey(name, enqueue.key) } : {}),
        ...(startAfter !== undefined ? { startAfter } : {}),
      });
      if (!id && def.kind === 'latest') throw new Error(`job queue ${name} does not exist`);
    },
    async sendMany(trx, name, jobs) {
      const def = byName.get(name);
      if (!def) throw new Error(`no job named ${name} is registered`);
      if (def.kind !== 'once') throw new Error(`sendMany is for once jobs, not ${name}`);
      if (jobs.length === 0) return;
      const delayMs = def.delayMs?.(config);
      // One INSERT ... SELECT from a JSON array; each job's id is its key's, so a key already
      // queued (or done) is left as it is (ON CONFLICT DO NOTHING), as with send.
      await boss.insert(
        jobs.map(({ payload, options }) => {
          const startAfter =
            options.startAfter ?? (delayMs ? new Date(Date.now() + delayMs) : undefined);
          const data: Envelope = {
            key: options.key,
            attempt: 1,
            payload: def.payload.parse(payload),
          };
          return {
            id: idForKey(name, options.key),
            name,
            data,
            singletonKey: options.key,
            ...(startAfter === undefined
              ? {}
              : {
                  startAfter:
                    typeof startAfter === 'number'
                      ? `${startAfter} seconds`
                      : startAfter.toISOString(),
                }),
          };
        }),
        { db: sqlAdapter(trx) },
      );
    },
    committed(names) {
      for (const name of names) for (const id of workerIds.get(name) ?? []) boss.notifyWorker(id);
    },
  };

  /** Runs the same job again later, as a new job committed with this one's completion. */
  async function runAgain(
    def: JobDefinition,
    job: PgBoss.Job<Envelope>,
    attempt: number,
    delaySeconds: number,
  ) {
    await db.transaction().execute(async (trx) => {
      const adapter = sqlAdapter(trx);
      await boss.send(
        def.name,
        { ...job.data, attempt },
        { db: adapter, singletonKey: job.data.key, startAfter: Math.max(0.001, delaySeconds) },
      );
      await boss.complete(def.name, job.id, { continued: true }, { db: adapter });
    });
    for (const id of workerIds.get(def.name) ?? []) boss.notifyWorker(id);
  }

  /** Cancels the other queued jobs of a `latest` key: this run renders what they would. */
  async function cancelSuperseded(def: JobDefinition, job: PgBoss.Job<Envelope>) {
    const { rows } = await boss
      .getDb()
      .executeSql(
        `select id from ${JOB_SCHEMA}.job where name = $1 and singleton_key = $2 and state < 'active' and id <> $3`,
        [def.name, job.data.key, job.id],
      );
    const ids = (rows as { id: string }[]).map((r) => r.id);
    if (ids.length > 0) await boss.cancel(def.name, ids);
  }

  async function runJob(def: JobDefinition, job: PgBoss.Job<Envelope>, runtime: WorkerRuntime) {
    const envelope = job.data;
    const log = { job: def.name, key: envelope.key, attempt: envelope.attempt };
    let payload: { teamId: string };
    try {
      payload = def.payload.parse(envelope.payload);
    } catch (error) {
      logger.error(
        { ...log, err: error instanceof ZodError ? error.message : String(error) },
        'job payload invalid; dropped',
      );
      await boss.complete(def.name, job.id, { dropped: 'invalid payload' });
      return;
    }
    if (def.kind === 'latest') await cancelSuperseded(def, job);
    const ctx = jobContext({
      runtime,
      teamId: payload.teamId,
      client: await runtime.clientFor(payload.teamId),
      job: { id: job.id, name: def.name, key: envelope.key, attempt: envelope.attempt },
      enqueueOutside: async (name, p, o) => {
        await db.transaction().execute((trx) => sender.send(trx, name, p, o));
        sender.committed(new Set([name]));
      },
    });
    try {
      await def.handle(ctx, payload);
      await boss.complete(def.name, job.id);
    } catch (error) {
      if (error instanceof RunAgainLater) {
        await runAgain(def, job, envelope.attempt, error.delaySeconds);
        return;
      }
      if (!(error instanceof SlackCallFailed)) throw error;
      const { failure, method } = error;
      if (failure.kind === 'ratelimited') {
        logger.info(
          { ...log, retryAfter: failure.retryAfterSeconds },
          'rate limited; runs again after Retry-After',
        );
        await runAgain(def, job, envelope.attempt, failure.retryAfterSeconds);
        return;
      }
      if (failure.kind === 'transient' && envelope.attempt < settings.attempts) {
        const delay = (settings.retryDelayMs / 1000) * 2 ** (envelope.attempt - 1);
        logger.info({ ...log, error: failure.code, delay }, 'slack call failed; retrying');
        await runAgain(def, job, envelope.attempt + 1, delay);
        return;
      }
      logger.warn({ ...log, method, error: failure.code }, 'slack call failed for good');
      const report = await def.failure?.(ctx, payload, {
        method,
        error: failure.code,
        key: envelope.key,
      });
      if (report) await ctx.reportFailure(report);
      await boss.complete(def.name, job.id, { failed: failure.code });
    }
  }

  return {
    sender,
    async startWorkers(runtime) {
      for (const def of registry) {
        const batchSize = def.concurrency ?? 5;
        const id: string = await boss.work<Envelope>(
          def.name,
          { batchSize, pollingIntervalSeconds: settings.pollMs / 1000, includeMetadata: true },
          async (jobs) => {
            running += jobs.length;
            try {
              const results = await Promise.allSettled(jobs.map((j) => runJob(def, j, runtime)));
              const failed = results.flatMap((r, i) =>
                r.status === 'rejected' ? [{ job: jobs[i], reason: r.reason }] : [],
              );
              for (const { job, reason } of failed) {
                logger.warn(
                  { job: def.name, key: job?.data.key, err: String(reason) },
                  'job failed; pg-boss retries it',
                );
                if (job) await boss.fail(def.name, job.id, { error: String(reason) });
              }
            } finally {
              running -= jobs.length;
            }
            // A full batch suggests more are waiting: fetch again now, not after the interval.
            if (jobs.length >= batchSize) boss.notifyWorker(id);
          },
        );
        workerIds.set(def.name, [...(workerIds.get(def.name) ?? []), id]);
      }
    },
    async idle(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      const names = registry.map((d) => d.name);
      for (;;) {
        const left = deadline - Date.now();
        if (left <= 0) return;
        // A database that does not answer cannot say: give up waiting rather than hang.
        const counted = await Promise.race([
          boss
            .getDb()
            .executeSql(
              `select count(*)::int as n from ${JOB_SCHEMA}.job where name = any($1::text[]) and (state = 'active' or (state < 'active' and start_after <= now() + $2::interval))`,
              [names, `${left} milliseconds`],
            )
            .then((r) => (r.rows[0] as { n: number }).n)
            .catch(() => undefined),
          sleep(Math.min(left, 1_000)).then(() => undefined),
        ]);
        if (counted === undefined) return;
        if (running === 0 && counted === 0) return;
        await sleep(20);
      }
    },
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: settings.slackTimeoutMs * 4 + 2_000 });
    },
  };
}
