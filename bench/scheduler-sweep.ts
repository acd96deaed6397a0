// The scheduler's cost grows with what is due, not with what exists: one tick at 100,000 and at
// 200,000 engagements, each time with the same 1,000 items due (500 waiting approvals, 500
// scope items due soon in active engagements), and the EXPLAIN plans of every query a tick runs.
// Run: npx tsx bench/scheduler-sweep.ts [engagements=100000] [due=1000]
// Writes bench/scheduler-RESULTS.md. Bounded; stops the embedded PostgreSQL it starts.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
// Loaded for its pg type parsers too (a `date` is read as the 'YYYY-MM-DD' text the app expects).
import { createDb, type Database, type Db } from '../src/db/database.js';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { JOBS } from '../src/jobs/index.js';
import { type JobQueue, startJobQueue } from '../src/jobs/queue.js';
import { reminderDeliverer } from '../src/jobs/scheduler.js';
import { createLogger } from '../src/logger.js';
import { tick } from '../src/services/scheduler-service.js';

const SIZE = Number(process.argv[2] ?? 100_000);
const DUE = Number(process.argv[3] ?? 1000);
const TICKS = 3;
/** True while a measured tick runs: only its statements are broken down. */
let inTick = false;
const TEAM = 'T0BENCH';
const H = 3_600_000;
const SETTINGS = { after: 24 * H, repeat: 24 * H, dueSoon: 48 * H };

/**
 * `count` more engagements (numbered from `from`), each active with a partner channel, one dated
 * scope item and the reminders a real engagement carries: its two due-date moments, pending and
 * months away, and three finished rows (sent or dropped) from the past.
 */
async function seed(db: Db, from: number, count: number): Promise<void> {
  const to = from + count - 1;
  await sql`
    insert into engagement (team_id, slug, name, client, stage, sponsor_ids, operator_id,
                            partner_channel_id, created_by, created_at, updated_at)
    select ${TEAM}, 'eng-' || g, 'Engagement ' || g, 'Client', 'active', array['U0EXEC' || (g % 50)],
           'U0OPER' || (g % 20), 'C' || g, 'U0OPER', now(), now()
    from generate_series(${from}::int, ${to}::int) g`.execute(db);
  await sql`
    insert into scope_item (team_id, engagement_id, ref, title, due_date, author_id, created_at)
    select ${TEAM}, e.id, 'SC-1', 'Item of ' || e.slug, date '2027-06-30', 'U0OPER', now()
    from generate_series(${from}::int, ${to}::int) g join engagement e on e.slug = 'eng-' || g`.execute(
    db,
  );
  await sql`
    insert into scheduled_reminder (key, team_id, kind, engagement_id, subject_id, recipient,
                                    due_at, send_at, details, status, outcome, created_at, finished_at)
    select e.id || ':' || k.kind || ':' || s.id || ':' || k.due, ${TEAM}, k.kind, e.id, s.id, k.recipient,
           k.due::timestamptz, k.due::timestamptz, '{"dueDate":"2027-06-30"}', k.status, k.outcome, now(),
           case when k.status = 'pending' then null else now() end
    from generate_series(${from}::int, ${to}::int) g
    join engagement e on e.slug = 'eng-' || g
    join scope_item s on s.engagement_id = e.id
    cross join (values
      ('scope_due_soon', null, '2027-06-29T00:00:00Z', 'pending', null),
      ('scope_overdue', null, '2027-07-01T00:00:00Z', 'pending', null),
      ('scope_due_soon', null, '2026-01-01T00:00:00Z', 'done', 'fanned out'),
      ('scope_due_soon', 'U0OPER', '2026-01-01T00:00:01Z', 'sent', 'handed to its job'),
      ('scope_overdue', null, '2026-02-01T00:00:00Z', 'dropped', 'its due date moved')
    ) as k(kind, recipient, due, status, outcome)`.execute(db);
}

/**
 * `HELD` engagements paused, each with its scope item's partner-channel reminder held (what a
 * pause leaves behind): the same number at both sizes, so the release step's cost shows it
 * reads what is held, not what exists.
 */
const HELD = 500;
async function seedHeld(db: Db): Promise<void> {
  await sql`
    with paused as (
      update engagement set stage = 'paused'
      where slug in (select 'eng-' || (g * 13 + 5) from generate_series(1, ${HELD}) g)
      returning id, partner_channel_id
    )
    insert into scheduled_reminder (key, team_id, kind, engagement_id, subject_id, recipient,
                                    due_at, send_at, details, status, created_at)
    select p.id || ':scope_due_soon:' || s.id || ':2026-12-01T00:00:00.000Z:' || p.partner_channel_id,
           ${TEAM}, 'scope_due_soon', p.id, s.id, p.partner_channel_id,
           '2026-12-01T00:00:00Z', '2026-12-01T00:00:00Z', '{"dueDate":"2027-06-30"}', 'held', now()
    from paused p join scope_item s on s.engagement_id = p.id`.execute(db);
}

/** DUE items whose moment is `now`: half waiting approvals, half scope items due soon. */
async function makeDue(db: Db, now: Date, round: number): Promise<void> {
  const half = Math.floor(DUE / 2);
  const requested = new Date(now.getTime() - SETTINGS.after);
  await sql`
    with picked as (
      select e.id, e.team_id from generate_series(1, ${half}) g
      join engagement e on e.slug = 'eng-' || (g * 97 + ${round})
    ), requests as (
      insert into approval_request (team_id, engagement_id, ref, subject, required_approvals,
                                    requester_ids, requested_by, requested_at)
      select team_id, id, 'EX-' || ${round}, 'change_request', 1, array['U0OPER'], 'U0OPER', ${requested}
      from picked returning id, engagement_id
    )
    insert into scheduled_reminder (key, team_id, kind, engagement_id, subject_id, due_at, send_at, created_at)
    select engagement_id || ':approval_waiting:' || id || ':' || ${now.toISOString()}, ${TEAM},
           'approval_waiting', engagement_id, id, ${now}, ${now}, ${requested}
    from requests`.execute(db);
  await sql`
    with picked as (
      select s.id as scope_id, s.engagement_id from generate_series(1, ${DUE - half}) g
      join engagement e on e.slug = 'eng-' || (g * 89 + 7 + ${round})
      join scope_item s on s.engagement_id = e.id
    ), moved as (
      update scope_item set due_date = ${now.toISOString().slice(0, 10)}::date + 1
      where id in (select scope_id from picked) returning id, engagement_id, due_date
    )
    insert into scheduled_reminder (key, team_id, kind, engagement_id, subject_id, due_at, send_at, details, created_at)
    select engagement_id || ':scope_due_soon:' || id || ':' || ${now.toISOString()}, ${TEAM},
           'scope_due_soon', engagement_id, id, ${now}, ${now},
           jsonb_build_object('dueDate', to_char(due_date, 'YYYY-MM-DD')), ${now}
    from moved`.execute(db);
  await sql`analyze`.execute(db);
}

/** The plan (actually run, with buffers) of one query, inside a transaction rolled back. */
async function explain(db: Db, query: ReturnType<typeof sql>): Promise<string> {
  let plan = '';
  await db
    .transaction()
    .execute(async (trx) => {
      const { rows } = await sql<{
        'QUERY PLAN': string;
      }>`explain (analyze, buffers, costs off) ${query}`.execute(trx);
      // The batch's ids make the plans unreadable: the plan, not the ids, is the point.
      plan = rows
        .map((r) => r['QUERY PLAN'].replace(/'\{[0-9a-f,-]{80,}\}'/g, "'{…200 ids…}'"))
        .join('\n');
      throw new Error('rollback');
    })
    .catch((e: Error) => {
      if (e.message !== 'rollback') throw e;
    });
  return plan;
}

async function plans(db: Db, now: Date): Promise<Record<string, string>> {
  // 200 due rows of each kind: a batch holds either, and each state query must be seen with ids.
  const { rows } = await sql<{ key: string; subject_id: string; kind: string }>`
    (select key, subject_id, kind from scheduled_reminder
     where status = 'pending' and send_at <= ${now} and kind = 'approval_waiting' limit 200)
    union all
    (select key, subject_id, kind from scheduled_reminder
     where status = 'pending' and send_at <= ${now} and kind = 'scope_due_soon' limit 200)`.execute(
    db,
  );
  const approvals = rows.filter((r) => r.kind === 'approval_waiting').map((r) => r.subject_id);
  const scope = rows.filter((r) => r.kind === 'scope_due_soon').map((r) => r.subject_id);
  return {
    'claim a batch (claimDueReminders)': await explain(
      db,
      sql`select key from scheduled_reminder where status = 'pending' and send_at <= ${now}
          order by send_at limit 200 for update skip locked`,
    ),
    'approval states of a batch (loadApprovalStates)': await explain(
      db,
      sql`select a.id, a.status, e.sponsor_ids from approval_request a
          join engagement e on e.id = a.engagement_id and e.team_id = a.team_id
          where a.team_id = ${TEAM} and a.id = any(${approvals}::uuid[])`,
    ),
    'scope item states of a batch (loadDueItemStates)': await explain(
      db,
      sql`select s.id, s.due_date, e.stage, e.partner_channel_id from scope_item s
          join engagement e on e.id = s.engagement_id and e.team_id = s.team_id
          where s.team_id = ${TEAM} and s.id = any(${scope}::uuid[])`,
    ),
    'a batch marked finished (finishReminders)': await explain(
      db,
      sql`update scheduled_reminder set status = 'done', outcome = 'fanned out', finished_at = ${now}
          where key = any(${rows.map((r) => r.key)}::text[]) and status = 'pending'`,
    ),
    'held rows released (releaseHeldReminders)': await explain(
      db,
      sql`with moved as (
            select h.key, x.stage from scheduled_reminder h
            cross join lateral (
              select e.stage from engagement e
              where e.id = h.engagement_id and e.team_id = h.team_id limit 1
            ) x
            where h.status = 'held' and x.stage <> 'paused'
          )
          update scheduled_reminder r set status = 'pending'
          from moved m where r.key = m.key and r.status = 'held'`,
    ),
    'deliveries already waiting (pendingDeliveries)': await explain(
      db,
      sql`select subject_id, recipient from scheduled_reminder
          where team_id = ${TEAM} and subject_id = any(${[...approvals, ...scope]}::text[])
          and status = 'pending' and recipient is not null`,
    ),
  };
}

async function measure(
  db: Db,
  queue: JobQueue,
  now: Date,
  dbTime: () => { dbMs: number; queries: number },
) {
  let delivered = 0;
  const deliver = reminderDeliverer(queue.sender);
  const before = dbTime();
  const started = performance.now();
  inTick = true;
  const result = await tick({
    db,
    clock: { now: () => now },
    settings: SETTINGS,
    workingHours: 'off',
    // The app's own hand-over: the batch's send-reminder jobs, keyed, in one pg-boss insert.
    async deliver(trx, deliveries) {
      await deliver(trx, deliveries);
      delivered += deliveries.length;
    },
  });
  inTick = false;
  const ms = performance.now() - started;
  const after = dbTime();
  return {
    ms,
    delivered,
    result,
    dbMs: after.dbMs - before.dbMs,
    queries: after.queries - before.queries,
  };
}

async function main(): Promise<void> {
  let dataDir: string | undefined;
  let url = process.env.DATABASE_URL;
  let embedded: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined;
  if (!url) {
    dataDir = await mkdtemp(path.join(tmpdir(), 'amos-bench-'));
    await chmod(dataDir, 0o755);
    embedded = await startEmbeddedPostgres({ dataDir, persistent: false });
    url = embedded.url;
    const server = embedded;
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        server.stop().finally(() => process.exit(1));
      });
    }
  }
  // Every query's duration as the client sees it (round trip included): the tick's database time.
  let dbMs = 0;
  let queries = 0;
  // Database time by statement (its first 70 characters), for the measured ticks.
  const byQuery = new Map<string, number>();
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  // The embedded server's shutdown ends idle connections: not an error of the bench.
  pool.on('error', () => undefined);
  const db: Db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log(event) {
      dbMs += event.queryDurationMillis;
      queries += 1;
      if (!inTick) return;
      const what = event.query.sql.replace(/\s+/g, ' ').trim().slice(0, 70);
      byQuery.set(what, (byQuery.get(what) ?? 0) + event.queryDurationMillis);
    },
  });
  const dbTime = () => ({ dbMs, queries });
  void createDb;
  const log = (line = '') => process.stdout.write(`${line}\n`);
  let queue: JobQueue | undefined;
  try {
    await migrateToLatest(db);
    await sql`insert into workspace (team_id, team_name) values (${TEAM}, 'Bench')`.execute(db);
    // The real job queue (pg-boss in the same database), without workers: jobs are only queued.
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: 'bench-signing-secret',
      DATABASE_URL: url,
      LOG_LEVEL: 'warn',
    });
    queue = await startJobQueue({
      databaseUrl: url,
      db,
      config,
      logger: createLogger('warn'),
      registry: JOBS,
      supervise: false,
    });
    const rows: {
      size: number;
      existing: number;
      ms: number;
      dbMs: number;
      all: number[];
      queries: number;
      delivered: number;
      claimed: number;
      batches: number;
    }[] = [];
    const planBySize: Record<number, Record<string, string>> = {};
    const statementsBySize: Record<number, [string, number][]> = {};
    let now = new Date('2027-01-05T10:00:00Z');
    for (const [round, size] of [SIZE, SIZE * 2].entries()) {
      const t = performance.now();
      await seed(db, round * SIZE + 1, SIZE);
      if (round === 0) await seedHeld(db);
      await makeDue(db, now, round * 10);
      const { rows: counted } = await sql<{
        n: string;
      }>`select count(*) as n from scheduled_reminder`.execute(db);
      log(`seeded ${size} engagements in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      // A first tick warms the cache on its own due set; the one measured is the second, on a
      // fresh set of the same size (what a running app's tick looks like).
      // The machine is shared: three measured ticks, each on a fresh due set, and the median.
      await measure(db, queue, now, dbTime);
      const ticks: Awaited<ReturnType<typeof measure>>[] = [];
      byQuery.clear();
      for (let k = 1; k <= TICKS; k += 1) {
        now = new Date(now.getTime() + 60_000);
        await makeDue(db, now, round * 10 + k);
        if (k === 1) planBySize[size] = await plans(db, now);
        ticks.push(await measure(db, queue, now, dbTime));
      }
      const sorted = [...ticks].sort((a, b) => a.dbMs - b.dbMs);
      const measured = sorted[Math.floor(sorted.length / 2)];
      if (!measured) throw new Error('no tick measured');
      statementsBySize[size] = [...byQuery.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 10)
        .map(([what, ms]) => [what, ms / TICKS]);
      rows.push({
        size,
        existing: Number(counted[0]?.n ?? 0),
        ms: measured.ms,
        dbMs: measured.dbMs,
        all: ticks.map((x) => x.dbMs),
        queries: measured.queries,
        delivered: measured.delivered,
        claimed: measured.result.claimed,
        batches: measured.result.batches,
      });
      const { rows: outcome } = await sql<{
        kind: string;
        fan: boolean;
        status: string;
        outcome: string | null;
        n: string;
      }>`
        select kind, recipient is null as fan, status, outcome, count(*) as n from scheduled_reminder
        where due_at = ${now} group by 1, 2, 3, 4 order by 1, 2, 3`.execute(db);
      for (const o of outcome)
        log(`  ${o.kind} ${o.fan ? 'due moment' : 'delivery'} ${o.status} (${o.outcome}): ${o.n}`);
      log(
        `${size} engagements: tick ${measured.ms.toFixed(0)} ms, ${measured.delivered} delivered`,
      );
      now = new Date(now.getTime() + H);
    }
    const report = [
      '# Scheduler sweep: cost grows with what is due',
      '',
      `Written by \`npx tsx bench/scheduler-sweep.ts ${SIZE} ${DUE}\` on ${new Date().toISOString().slice(0, 10)} (embedded PostgreSQL, 2 shared cores, Node ${process.version}).`,
      '',
      `Each engagement is active with a partner channel, a dated scope item, two pending due-date reminders months away and three finished reminder rows; ${HELD} of the engagements are paused, each with a partner-channel reminder held. At each size ${DUE} items are due at the tick: ${Math.floor(DUE / 2)} waiting approvals (each fanned out to its sponsor) and ${DUE - Math.floor(DUE / 2)} scope items due soon (each to the partner channel and the operator). Deliveries are handed over as the app does: each batch's \`send-reminder\` jobs, keyed by item, due moment and recipient, in one pg-boss \`insert\` inside the tick's transaction (no workers run, so the jobs stay queued).`,
      '',
      `Measured: ${TICKS} ticks at each size after a first one that warms the cache, each on a fresh due set of the same size (what a running app's tick looks like); the row shows the median one, and the database time of all ${TICKS}.`,
      '',
      '| engagements | reminder rows stored | rows claimed | deliveries | batches | queries | database time (median) | all ticks | tick wall time |',
      '| ----------- | -------------------- | ------------ | ---------- | ------- | ------- | ---------------------- | --------- | -------------- |',
      ...rows.map(
        (r) =>
          `| ${r.size.toLocaleString('en')} | ${r.existing.toLocaleString('en')} | ${r.claimed} | ${r.delivered} | ${r.batches} | ${r.queries} | ${r.dbMs.toFixed(0)} ms | ${r.all.map((x) => x.toFixed(0)).join(' / ')} ms | ${r.ms.toFixed(0)} ms |`,
      ),
      '',
      'Where the database time goes (per tick, averaged over the measured ticks; the ten costliest statements):',
      '',
      ...Object.entries(statementsBySize).flatMap(([size, list]) => [
        `- ${Number(size).toLocaleString('en')} engagements:`,
        ...list.map(([what, ms]) => `  - ${ms.toFixed(1)} ms: \`${what}…\``),
      ]),
      '',
      "Database time is the sum of the durations of every query as the client sees it (round trip included, one connection at a time); wall time adds the JavaScript between queries. Each batch of 200 claimed rows costs a fixed handful of queries (claim, states, recipients' zones, waiting deliveries, rows stored and finished, one job insert), whatever the number of engagements. The plans below were each run with `EXPLAIN (ANALYZE, BUFFERS)` on 200 due rows of each kind.",
      '',
      ...Object.entries(planBySize).flatMap(([size, byQuery]) => [
        `## Plans at ${Number(size).toLocaleString('en')} engagements`,
        '',
        ...Object.entries(byQuery).flatMap(([name, plan]) => [
          `### ${name}`,
          '',
          '```',
          plan,
          '```',
          '',
        ]),
      ]),
    ].join('\n');
    await writeFile(path.join(import.meta.dirname, 'scheduler-RESULTS.md'), report);
    log('wrote bench/scheduler-RESULTS.md');
  } finally {
    await queue?.stop();
    await db.destroy();
    await embedded?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
