import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WebClient } from '@slack/web-api';
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { ZodError } from 'zod';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Logger } from '../logger.js';
import type { EnqueueOptions, JobSender, PreparedJob, ServiceDeps } from '../services/change.js';
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

/** A job as pg-boss's `insert` takes it (its JSON array, one row each). */
interface InsertRow {
  readonly id?: string;
  readonly name: string;
  readonly data: Envelope;
  readonly singletonKey: string;
  /** An ISO time, or an interval from the database's now() ("2.5 seconds"). */
  readonly startAfter?: string;
}

/** What `prepare` hands a change: the row it will insert. */
interface QueuedJob extends PreparedJob {
  readonly row: InsertRow;
}

/** A queue's fetch loop in this process. */
interface FetchLoop {
  /** Ids of the jobs it is running now. */
  readonly active: Set<string>;
  /** Fetch now (jobs were committed here), not after the poll interval. */
  wake(): void;
  /** Resolves once the loop has stopped. */
  done: Promise<void>;
}

/** As pg-boss's `send` reads `startAfter`: a Date, or seconds from the database's now(). */
function startAfterText(startAfter: Date | number | undefined): string | undefined {
  if (startAfter instanceof Date) return startAfter.toISOString();
  if (typeof startAfter === 'number' && startAfter > 0) return `${startAfter} seconds`;
  return undefined;
}

/**
 * The rows to insert, each job once: a `once` job by its id (the first given is kept, as a
 * second `send` of the key would have been a no-op), any other by its whole row.
 */
function distinctRows(jobs: readonly QueuedJob[]): InsertRow[] {
  const seen = new Set<string>();
  const rows: InsertRow[] = [];
  for (const { row } of jobs) {
    const identity = row.id ? `${row.name}\u0000${row.id}` : JSON.stringify(row);
    if (seen.has(identity)) continue;
    seen.add(identity);
    rows.push(row);
  }
  return rows;
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

/** The advisory lock that serialises starting the queue (schema and queues) across instances. */
const START_LOCK = 'amos:job-queue:start';

/**
 * Runs `work` while holding a session advisory lock on a connection of its own (no pool
 * timeouts: an instance may wait for another's start), so instances started at the same moment
 * on a fresh database create pg-boss's schema and queues one after the other. Unserialised,
 * concurrent first starts failed with "deadlock detected".
 */
async function oneStartAtATime<T>(databaseUrl: string, work: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'amos-start' });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock(hashtextextended($1, 0))', [START_LOCK]);
    try {
      return await work();
    } finally {
      await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [START_LOCK]);
    }
  } finally {
    await client.end();
  }
}

/**
 * Starts pg-boss on the app's database (its schema created or migrated), creates a queue for
 * every registered job, and returns the handle the composition root wires in. Instances
 * starting together take turns (`oneStartAtATime`).
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
  await oneStartAtATime(options.databaseUrl, async () => {
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
  });

  /** Each queue's fetch loop in this process (startWorkers), woken by `committed`. */
  const loops = new Map<string, FetchLoop>();
  let running = 0;
  let stopping = false;

  function prepare(name: string, payload: unknown, enqueue: EnqueueOptions): QueuedJob {
    const def = byName.get(name);
    if (!def) throw new Error(`no job named ${name} is registered`);
    const data: Envelope = { key: enqueue.key, attempt: 1, payload: def.payload.parse(payload) };
    const delayMs = def.delayMs?.(config);
    const startAfter = startAfterText(enqueue.startAfter ?? (delayMs ? delayMs / 1000 : undefined));
    return {
      name,
      row: {
        ...(def.kind === 'once' ? { id: idForKey(name, enqueue.key) } : {}),
        name,
        data,
        singletonKey: enqueue.key,
        ...(startAfter === undefined ? {} : { startAfter }),
      },
    };
  }

  const sender: JobSender = {
    prepare,
    async sendPrepared(trx, prepared) {
      const rows = distinctRows(prepared as readonly QueuedJob[]);
      if (rows.length === 0) return;
      // One INSERT ... SELECT from a JSON array (pg-boss's `insert`), in the caller's
      // transaction; a `once` job's id is its key's, so a key already queued (or done) is left
      // as it is (ON CONFLICT DO NOTHING).
      await boss.insert(rows, { db: sqlAdapter(trx) });
    },
    async send(trx, name, payload, enqueue) {
      await sender.sendPrepared(trx, [prepare(name, payload, enqueue)]);
    },
    async sendMany(trx, name, jobs) {
      await sender.sendPrepared(
        trx,
        jobs.map(({ payload, options }) => prepare(name, payload, options)),
      );
    },
    committed(names) {
      for (const name of names) loops.get(name)?.wake();
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
    loops.get(def.name)?.wake();
  }

  /**
   * Cancels the other queued jobs of the batch's `latest` keys, in one statement: each run
   * renders what they would (a batch holds at most one job per key: pg-boss's singleton fetch).
   */
  async function cancelSuperseded(def: JobDefinition, jobs: readonly PgBoss.Job<Envelope>[]) {
    await boss.getDb().executeSql(
      `update ${JOB_SCHEMA}.job set state = 'cancelled', completed_on = now()
         where name = $1 and singleton_key = any($2::text[]) and state < 'active'
           and not (id = any($3::uuid[]))`,
      [def.name, [...new Set(jobs.map((j) => j.data.key))], jobs.map((j) => j.id)],
    );
  }

  /**
   * Carries one job out. 'done': the handler finished, the job is completed with its batch;
   * 'settled': already completed here (dropped, run again later, failed for good); a throw is
   * an unexpected failure, which pg-boss retries.
   */
  async function runJob(
    def: JobDefinition,
    job: PgBoss.Job<Envelope>,
    runtime: WorkerRuntime,
  ): Promise<'done' | 'settled'> {
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
      return 'settled';
    }
    const ctx = jobContext({
      runtime,
      teamId: payload.teamId,
      client: await runtime.clientFor(payload.teamId),
      job: { id: job.id, name: def.name, key: envelope.key, attempt: envelope.attempt },
      enqueueOutside: async (jobs) => {
        const rows = distinctRows(jobs.map((j) => prepare(j.name, j.payload, j.options)));
        if (rows.length === 0) return;
        // One statement, committed on its own (no transaction around it).
        await boss.insert(rows, { db: sqlAdapter(db) });
        sender.committed(new Set(rows.map((r) => r.name)));
      },
    });
    try {
      await def.handle(ctx, payload);
      return 'done';
    } catch (error) {
      if (error instanceof RunAgainLater) {
        await runAgain(def, job, envelope.attempt, error.delaySeconds);
        return 'settled';
      }
      if (!(error instanceof SlackCallFailed)) throw error;
      const { failure, method } = error;
      if (failure.kind === 'ratelimited') {
        logger.info(
          { ...log, retryAfter: failure.retryAfterSeconds },
          'rate limited; runs again after Retry-After',
        );
        await runAgain(def, job, envelope.attempt, failure.retryAfterSeconds);
        return 'settled';
      }
      if (failure.kind === 'transient' && envelope.attempt < settings.attempts) {
        const delay = (settings.retryDelayMs / 1000) * 2 ** (envelope.attempt - 1);
        logger.info({ ...log, error: failure.code, delay }, 'slack call failed; retrying');
        await runAgain(def, job, envelope.attempt + 1, delay);
        return 'settled';
      }
      logger.warn({ ...log, method, error: failure.code }, 'slack call failed for good');
      const report = await def.failure?.(ctx, payload, {
        method,
        error: failure.code,
        key: envelope.key,
      });
      if (report) await ctx.reportFailure(report);
      await boss.complete(def.name, job.id, { failed: failure.code });
      return 'settled';
    }
  }

  /**
   * One fetched batch: the superseded jobs of its `latest` keys cancelled (one statement), every
   * job run at once, then the finished ones completed together (one statement) and each
   * unexpected failure failed, for pg-boss to retry. A batch that outlives the jobs' expiry is
   * failed as pg-boss's own workers do (its jobs run again; delivery is once by key).
   */
  async function runBatch(
    def: JobDefinition,
    jobs: readonly PgBoss.Job<Envelope>[],
    runtime: WorkerRuntime,
    loop: FetchLoop,
  ) {
    running += jobs.length;
    for (const job of jobs) loop.active.add(job.id);
    try {
      // Superseding saves renders; a batch whose cancel failed (a database blip) still runs.
      if (def.kind === 'latest') {
        await cancelSuperseded(def, jobs).catch((error: unknown) =>
          logger.warn({ job: def.name, err: String(error) }, 'superseded jobs not cancelled'),
        );
      }
      const outcomes: (PromiseSettledResult<'done' | 'settled'> | undefined)[] = jobs.map(
        () => undefined,
      );
      const all = Promise.all(
        jobs.map((job, i) =>
          runJob(def, job, runtime).then(
            (value) => {
              outcomes[i] = { status: 'fulfilled', value };
            },
            (reason: unknown) => {
              outcomes[i] = { status: 'rejected', reason };
            },
          ),
        ),
      );
      const expireMs = Math.max(1, ...jobs.map((j) => j.expireInSeconds)) * 1000;
      const timer = new AbortController();
      const timedOut = await Promise.race([
        all.then(() => false),
        sleep(expireMs, true, { signal: timer.signal }).catch(() => false),
      ]);
      timer.abort();
      const done = jobs.filter((_, i) => {
        const o = outcomes[i];
        return o?.status === 'fulfilled' && o.value === 'done';
      });
      if (done.length > 0) {
        await boss.complete(
          def.name,
          done.map((j) => j.id),
        );
      }
      for (const [i, job] of jobs.entries()) {
        const o = outcomes[i];
        if (o && o.status === 'fulfilled') continue;
        const reason = o ? String(o.reason) : `handler execution exceeded ${expireMs}ms`;
        logger.warn(
          { job: def.name, key: job.data.key, err: reason, timedOut },
          'job failed; pg-boss retries it',
        );
        await boss.fail(def.name, job.id, { error: reason });
      }
    } finally {
      for (const job of jobs) loop.active.delete(job.id);
      running -= jobs.length;
    }
  }

  /**
   * Fetches a queue's jobs in batches of up to its concurrency and runs them: at once when
   * woken (a commit here enqueued some) or when the last batch was full, else every
   * AMOS_JOB_POLL. A failed fetch or batch is logged and the loop goes on.
   */
  function startLoop(def: JobDefinition, runtime: WorkerRuntime): FetchLoop {
    const batchSize = def.concurrency ?? 5;
    let notified = false;
    let nap: AbortController | undefined;
    const loop: FetchLoop = {
      active: new Set(),
      wake() {
        notified = true;
        nap?.abort();
      },
      done: Promise.resolve(),
    };
    loop.done = (async () => {
      while (!stopping) {
        notified = false;
        const started = Date.now();
        let fetched = 0;
        try {
          const jobs = await boss.fetch<Envelope>(def.name, { batchSize });
          fetched = jobs.length;
          // Fetched jobs run even when a stop began meanwhile: the stop waits for them.
          if (jobs.length > 0) await runBatch(def, jobs, runtime, loop);
        } catch (error) {
          logger.warn(
            { job: def.name, err: error instanceof Error ? error.message : String(error) },
            'job queue error (it keeps going)',
          );
        }
        // As pg-boss's workers: the poll interval counts from the start of this round.
        const wait = settings.pollMs - (Date.now() - started);
        if (stopping || notified || fetched >= batchSize || wait <= 100) continue;
        nap = new AbortController();
        await sleep(wait, undefined, { signal: nap.signal }).catch(() => undefined);
        nap = undefined;
      }
    })();
    return loop;
  }

  return {
    sender,
    async startWorkers(runtime) {
      for (const def of registry) {
        if (!loops.has(def.name)) loops.set(def.name, startLoop(def, runtime));
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
      // Stop fetching, let running batches finish (bounded), fail what still runs (another
      // worker runs it again), then close pg-boss's connections.
      stopping = true;
      for (const loop of loops.values()) loop.wake();
      const bound = sleep(settings.slackTimeoutMs * 4 + 2_000, 'timeout' as const);
      const finished = await Promise.race([
        Promise.all([...loops.values()].map((l) => l.done)).then(() => 'done' as const),
        bound,
      ]);
      if (finished === 'timeout') {
        for (const [name, loop] of loops) {
          if (loop.active.size === 0) continue;
          for (const id of loop.active) {
            await boss.fail(name, id, { error: 'shut down while active' }).catch(() => undefined);
          }
        }
      }
      await boss.stop({ graceful: true, wait: true, timeout: 1_000 });
    },
  };
}
