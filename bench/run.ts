// `npm run bench`: AMOS (started as `npx amos start` starts it) against a bare Bolt app, on a
// seeded large workspace, driven from a separate process with signed requests, closed loop and
// paced, in rounds; figures printed and written to bench/RESULTS.md. Loopback only, bounded in
// time; every process it starts is stopped on exit, on failure and on Ctrl-C.
// Settings (env): see bench/README.md.
import type { ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { createDb, type Db } from '../src/db/database.js';
import { listChainKeys, listChainRecords } from '../src/db/decision-record-repository.js';
import { freePort, startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { verifyChain } from '../src/domain/decision-record.js';
import { startFakeSlack } from '../src/sandbox/fake-slack.js';
import { type ProfilePass, statementCounts } from './bounds.js';
import { onCleanup, runChild, startChild, stopAll, stopChild, waitForPort } from './children.js';
import { explainPaths } from './explain.js';
import type { LoadResult } from './load.js';
import { cpuAround, othersMeter, postmasterPid, processCpuMs, rssMiB, treeCpuMs } from './proc.js';
import { runProfilePass } from './profile-pass.js';
import { type Measurement, machineFacts, writeResults } from './report.js';
import { seedLargeWorkspace } from './seed.js';
import {
  BASELINE,
  type BenchCase,
  CASES,
  engagementId,
  GROUPS,
  isRefusal,
  orgOfEngagement,
  partnerChannel,
  partnersOfOrg,
  people,
  RESPONSE_URLS,
  SECRET,
  TEAM,
} from './workspace.js';

const env = process.env;
const num = (name: string, fallback: number) => {
  const value = env[name] === undefined || env[name] === '' ? fallback : Number(env[name]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const settings = {
  seconds: num('BENCH_SECONDS', 10),
  pacedSeconds: num('BENCH_PACED_SECONDS', num('BENCH_SECONDS', 10)),
  rate: num('BENCH_RATE', 200),
  connections: num('BENCH_CONNECTIONS', 10),
  rounds: num('BENCH_ROUNDS', 2),
  cases: env.BENCH_CASES ? env.BENCH_CASES.split(',').map((s) => s.trim()) : undefined,
  profileDir: env.BENCH_PROFILE_DIR,
  /** The profile pass after the rounds (for "What bounds it"); BENCH_PROFILE=0 skips it. */
  profile: env.BENCH_PROFILE !== '0',
  profileSeconds: num('BENCH_PROFILE_SECONDS', 3),
  output: env.BENCH_OUTPUT ?? path.join(import.meta.dirname, 'RESULTS.md'),
  logLevel: env.BENCH_LOG_LEVEL ?? 'info',
  settleSeconds: num('BENCH_SETTLE_SECONDS', 60),
};
const repo = path.resolve(import.meta.dirname, '..');
const log = (line: string) => process.stderr.write(`${line}\n`);
const ms = (n: number, digits = 1) =>
  typeof n === 'number' && Number.isFinite(n) ? n.toFixed(digits) : 'n/a';

async function openPostgres(work: string) {
  if (env.DATABASE_URL) {
    const admin = createDb(env.DATABASE_URL);
    const name = `amos_bench_${process.pid}`;
    await sql.raw(`create database ${name}`).execute(admin);
    const url = new URL(env.DATABASE_URL);
    url.pathname = `/${name}`;
    const dataDir = await sql<{ data_directory: string }>`show data_directory`
      .execute(admin)
      .then((r) => r.rows[0]?.data_directory)
      .catch(() => undefined);
    onCleanup(async () => {
      await sql.raw(`drop database if exists ${name} with (force)`).execute(admin);
      await admin.destroy();
    });
    return {
      url: url.toString(),
      pgPid: dataDir ? postmasterPid(dataDir) : undefined,
      kind: 'DATABASE_URL',
    };
  }
  const dataDir = path.join(work, 'pg-data');
  const embedded = await startEmbeddedPostgres({ dataDir, persistent: false });
  onCleanup(() => embedded.stop());
  return { url: embedded.url, pgPid: postmasterPid(path.join(dataDir, 'pg')), kind: 'embedded' };
}

async function counts(db: Db) {
  const records = await sql<{ n: string }>`select count(*) as n from decision_record`.execute(db);
  const hasJobs = await sql<{
    t: string | null;
  }>`select to_regclass('pgboss.job')::text as t`.execute(db);
  let jobs = 0;
  if (hasJobs.rows[0]?.t) {
    const found = await sql<{ n: string }>`select count(*) as n from pgboss.job`.execute(db);
    jobs = Number(found.rows[0]?.n ?? 0);
  }
  return { records: Number(records.rows[0]?.n ?? 0), jobs };
}

/**
 * Decision records of these kinds (what one committed request of a case writes once); not a
 * partner the gate reconciliation found in a channel (`details.found`), which no request asked
 * for (it runs on each quarter-hour slot and, after the join case refills the channels, found
 * up to 3,000 partners and inflated "committed").
 */
async function countKinds(db: Db, benchCase: BenchCase): Promise<number> {
  const kinds = benchCase.committedKinds;
  if (!kinds || kinds.length === 0) return 0;
  const group = benchCase.committedIn;
  const ids = group
    ? Array.from({ length: group.count }, (_, k) => engagementId(group.from + k))
    : undefined;
  const found = await sql<{ n: string }>`
    select count(*) as n from decision_record where kind = any(${[...kinds]})
    and not (details ? 'found')
    ${ids ? sql`and engagement_id = any(${ids}::uuid[])` : sql``}`.execute(db);
  return Number(found.rows[0]?.n ?? 0);
}

/**
 * The statement trace (bench/EXPLAIN.md beside the output) and its statements per path; with
 * BENCH_EXPLAIN=0, the counts of an EXPLAIN.md already there, if any.
 */
async function traceStatements(url: string) {
  const file = path.join(path.dirname(settings.output), 'EXPLAIN.md');
  if (env.BENCH_EXPLAIN !== '0') {
    const text = await explainPaths(url, file);
    log('statements and plans of each path written to EXPLAIN.md');
    return { counts: statementCounts(text), source: `this run's ${path.basename(file)}` };
  }
  const text = await readFile(file, 'utf8').catch(() => undefined);
  return text
    ? { counts: statementCounts(text), source: `an earlier ${file} (BENCH_EXPLAIN=0)` }
    : undefined;
}

async function main() {
  const loadAtStart = os.loadavg()[0];
  const work = await mkdtemp(path.join(tmpdir(), 'amos-bench-'));
  // Embedded PostgreSQL runs as another user when started as root: it must reach its folder.
  await chmod(work, 0o755);
  onCleanup(() => rm(work, { recursive: true, force: true }));
  const logs = path.join(tmpdir(), 'amos-bench-logs');
  await rm(logs, { recursive: true, force: true });
  await mkdir(logs, { recursive: true });
  const pg = await openPostgres(work);
  log(`PostgreSQL (${pg.kind}) up; seeding the large workspace`);
  const db = createDb(pg.url);
  onCleanup(() => db.destroy());
  await migrateToLatest(db);
  const seedStart = performance.now();
  const seeded = await seedLargeWorkspace(db);
  await sql`analyze`.execute(db);
  log(
    `seeded ${seeded.records} decision records in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
  );
  const statements = await traceStatements(pg.url);
  const pgVersion = (await sql<{ v: string }>`select version() as v`.execute(db)).rows[0]?.v ?? '?';

  const fake = await startFakeSlack();
  onCleanup(() => fake.stop());
  fake.addTeam(TEAM);
  for (const p of people()) fake.addUser(TEAM.id, { id: p.id, name: p.id.toLowerCase() });
  fake.addChannel(TEAM.id, { id: 'C0GENERAL', name: 'general', members: [TEAM.botUserId] });
  const gated = Array.from({ length: GROUPS.gated.count }, (_, k) => GROUPS.gated.from + k);
  for (const n of gated) {
    fake.addChannel(TEAM.id, {
      id: partnerChannel(n),
      name: `bench-${n}-partners`,
      isPrivate: true,
      members: [TEAM.botUserId],
    });
  }
  const refillGatedChannels = () => {
    for (const n of gated) {
      const channel = fake.channel(TEAM.id, partnerChannel(n));
      if (channel) channel.members = [TEAM.botUserId, ...partnersOfOrg(orgOfEngagement(n))];
    }
  };
  for (let i = 0; i < RESPONSE_URLS; i += 1) fake.createResponseUrl({ teamId: TEAM.id });
  const slackEffects = () => fake.calls.length + fake.allResponses().length;

  const slackEnv = {
    PATH: env.PATH,
    HOME: env.HOME,
    SLACK_API_URL: fake.apiUrl,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_BOT_TOKEN: TEAM.botToken,
  };
  const barePort = await freePort();
  const bare = startChild(
    [path.join(repo, 'bench/bare-bolt.mjs')],
    {
      ...slackEnv,
      PORT: String(barePort),
      BOT_ID: TEAM.botId,
      BOT_USER_ID: TEAM.botUserId,
    },
    path.join(logs, 'bare.log'),
  );
  /** AMOS as `npx amos start` starts it, with these node options (e.g. --cpu-prof). */
  const startAmos = async (nodeArgs: string[]) => {
    const port = await freePort();
    const child = startChild(
      [...nodeArgs, path.join(repo, 'bin/amos.js'), 'start'],
      {
        ...slackEnv,
        DATABASE_URL: pg.url,
        PORT: String(port),
        AMOS_ADMINS: 'UADM0000',
        LOG_LEVEL: settings.logLevel,
        NODE_ENV: 'production',
      },
      path.join(logs, 'amos.log'),
    );
    await waitForPort(port, child);
    return { child, port };
  };
  const [{ child: amos, port: amosPort }] = await Promise.all([
    startAmos(
      settings.profileDir
        ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(settings.profileDir)}`]
        : [],
    ),
    waitForPort(barePort, bare),
  ]);
  log(`bare Bolt on ${barePort}, AMOS on ${amosPort} (logs in ${logs})`);

  const offsets = new Map<string, number>();
  /** Per decision case, its committed count before its first run (for commits after a settle). */
  const firstCount = new Map<string, number>();
  const runId = Date.now().toString(36);
  const drive = async (
    benchCase: BenchCase,
    port: number,
    mode: 'closed' | 'paced',
    seconds = mode === 'closed' ? settings.seconds : settings.pacedSeconds,
  ) => {
    const offset = offsets.get(benchCase.name) ?? 0;
    const spec = {
      url: `http://127.0.0.1:${port}/slack/events`,
      caseName: benchCase.name,
      mode,
      seconds,
      connections: settings.connections,
      rate: settings.rate,
      offset,
      maxRequests: Math.ceil(settings.rate * seconds),
      ctx: { fakeBase: fake.baseUrl, runId },
    };
    const out = await runChild(['--import', 'tsx', path.join(repo, 'bench/load.ts')], {
      ...env,
      BENCH_LOAD: JSON.stringify(spec),
    });
    const result = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as LoadResult;
    offsets.set(benchCase.name, offset + result.used);
    return result;
  };

  const measure = async (
    benchCase: BenchCase,
    child: ChildProcess,
    port: number,
    mode: 'closed' | 'paced',
    round: number,
  ): Promise<Measurement> => {
    const pid = child.pid as number;
    if (benchCase.name === 'member-joined') refillGatedChannels();
    if (benchCase.committedKinds && !firstCount.has(benchCase.name))
      firstCount.set(benchCase.name, await countKinds(db, benchCase));
    const around = cpuAround();
    const before = {
      app: processCpuMs(pid),
      pg: pg.pgPid ? treeCpuMs(pg.pgPid) : Number.NaN,
      ...(await counts(db)),
      slack: slackEffects(),
      committed: await countKinds(db, benchCase),
      responses: fake.allResponses().length,
    };
    let peakRss = rssMiB(pid);
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, rssMiB(pid));
    }, 100);
    const started = performance.now();
    // BENCH_PG_TOP=1: what PostgreSQL is busy with, sampled every 50 ms from the load's start
    // until the run settled, printed per run (the most frequent active statements).
    const active = new Map<string, number>();
    let sampling = env.BENCH_PG_TOP === '1';
    const sampleLoop = (async () => {
      while (sampling) {
        const { rows } = await sql<{ q: string }>`
          select left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 110) as q from pg_stat_activity
          where state = 'active' and pid <> pg_backend_pid() and datname = current_database()`
          .execute(db)
          .catch(() => ({ rows: [] as { q: string }[] }));
        for (const { q } of rows) active.set(q, (active.get(q) ?? 0) + 1);
        await sleep(50);
      }
    })();
    let load: LoadResult;
    const others = othersMeter(() => processCpuMs(pid) + (pg.pgPid ? treeCpuMs(pg.pgPid) : 0));
    try {
      load = await drive(benchCase, port, mode);
    } finally {
      clearInterval(sampler);
    }
    const othersCoresDuringLoad = others();
    // Effects still being written after the last ack: wait until records, jobs and Slack calls
    // stop moving and the app and PostgreSQL are idle, for at most BENCH_SETTLE_SECONDS.
    let last = { ...(await counts(db)), slack: slackEffects() };
    let settledAt = performance.now();
    const deadline = settledAt + settings.settleSeconds * 1000;
    const pgCpu = () => (pg.pgPid ? treeCpuMs(pg.pgPid) : 0);
    let cpu = processCpuMs(pid) + pgCpu();
    for (let quiet = 0; quiet < 6 && performance.now() < deadline; ) {
      await sleep(250);
      const now = { ...(await counts(db)), slack: slackEffects() };
      // Idle: the app and PostgreSQL together under 20% of a core over the last 250 ms.
      const used = processCpuMs(pid) + pgCpu();
      const busy = used - cpu > 50;
      cpu = used;
      const moved =
        now.records !== last.records || now.jobs !== last.jobs || now.slack !== last.slack;
      if (moved) {
        last = now;
        settledAt = performance.now();
      }
      quiet = moved || busy ? 0 : quiet + 1;
    }
    const settled = performance.now() < deadline;
    sampling = false;
    await sampleLoop;
    if (active.size > 0) {
      const top = [...active].sort((a, b) => b[1] - a[1]).slice(0, 6);
      for (const [q, n] of top) log(`    pg active ${String(n).padStart(5)}  ${q}`);
    }
    if (!settled)
      log(`  (still busy after ${settings.settleSeconds} s: the next run starts on a busy app)`);
    const after = { app: processCpuMs(pid), pg: pg.pgPid ? treeCpuMs(pg.pgPid) : Number.NaN };
    const aroundRun = around();
    const committed = (await countKinds(db, benchCase)) - before.committed;
    const replies = fake
      .allResponses()
      .slice(before.responses)
      .map((r) => JSON.stringify(r.body));
    const refusedInReply = replies.filter(isRefusal).length;
    const alreadyDone = benchCase.alreadyDone;
    const alreadyDoneInReply = alreadyDone
      ? replies.filter((r) => !isRefusal(r) && alreadyDone.test(r)).length
      : 0;
    const effectSeconds = (settledAt - started) / 1000;
    const m: Measurement = {
      round,
      caseName: benchCase.name,
      label: benchCase.label,
      kind: benchCase.kind,
      mode,
      load,
      appCpuMsPerRequest: (after.app - before.app) / load.requests,
      pgCpuMsPerRequest: (after.pg - before.pg) / load.requests,
      peakRssMiB: peakRss,
      settled,
      records: last.records - before.records,
      jobs: last.jobs - before.jobs,
      slackEffects: last.slack - before.slack,
      committed,
      refusedInReply,
      alreadyDoneInReply,
      effectsPerSecond: (last.records - before.records + last.jobs - before.jobs) / effectSeconds,
      cpuAround: { ...aroundRun, othersCoresDuringLoad },
    };
    log(
      `round ${round} ${benchCase.name.padEnd(18)} ${mode.padEnd(6)} ${ms(load.rps, 0).padStart(5)} req/s  p50 ${ms(load.p50)}  p99 ${ms(load.p99)}  p99.9 ${ms(load.p999)} ms  failed ${load.failed}  refused ${load.refused + refusedInReply}${benchCase.committedKinds ? `  committed ${committed}` : ''}${alreadyDone ? `  already done ${alreadyDoneInReply}` : ''}  app ${ms(m.appCpuMsPerRequest, 2)} ms/req  pg ${ms(m.pgCpuMsPerRequest, 2)} ms/req  records ${m.records}  jobs ${m.jobs}`,
    );
    return m;
  };

  const selected = CASES.filter((c) => !settings.cases || settings.cases.includes(c.name));
  log('warming up both apps (2 s each)');
  await drive(BASELINE, barePort, 'closed', 2);
  await drive(CASES[0] as BenchCase, amosPort, 'closed', 2);
  const measurements: Measurement[] = [];
  const started = new Date();
  for (let round = 1; round <= settings.rounds; round += 1) {
    for (const mode of ['closed', 'paced'] as const) {
      measurements.push(await measure(BASELINE, bare, barePort, mode, round));
      for (const c of selected) measurements.push(await measure(c, amos, amosPort, mode, round));
    }
  }

  // Decisions committed after their run's settle wait (work still queued in the app, e.g.
  // partner joins Bolt acked at once) are committed all the same: wait for the app to finish,
  // then count each case's commits since its first run, and report the difference as late.
  const decisionCases = selected.filter((c) => c.committedKinds);
  const totals = async () =>
    Promise.all(
      decisionCases.map(async (c) => (await countKinds(db, c)) - (firstCount.get(c.name) ?? 0)),
    );
  let seen = await totals();
  const finalDeadline = performance.now() + settings.settleSeconds * 1000;
  for (let quiet = 0; quiet < 8 && performance.now() < finalDeadline; ) {
    await sleep(250);
    const now = await totals();
    quiet = now.some((n, k) => n !== seen[k]) ? 0 : quiet + 1;
    seen = now;
  }
  const late: Record<string, number> = {};
  decisionCases.forEach((c, k) => {
    const measured = measurements
      .filter((m) => m.caseName === c.name)
      .reduce((sum, m) => sum + m.committed, 0);
    late[c.name] = Math.max(0, (seen[k] ?? 0) - measured);
    if (late[c.name])
      log(`${c.name}: ${late[c.name]} decisions committed after their run's settle wait`);
  });

  let profile: ProfilePass | undefined;
  if (settings.profile) {
    // The measured app stops first: its job workers would share the profiled app's jobs.
    await stopChild(amos);
    log(`profile pass: AMOS under --cpu-prof, each case ${settings.profileSeconds} s closed loop`);
    const dir = settings.profileDir
      ? path.join(path.resolve(settings.profileDir), 'profile-pass')
      : path.join(work, 'profile');
    await rm(dir, { recursive: true, force: true });
    if (settings.profileDir) log(`  its profiles are kept in ${dir}`);
    profile = await runProfilePass({
      cases: selected,
      seconds: settings.profileSeconds,
      settleSeconds: Math.min(settings.settleSeconds, 20),
      dir,
      startApp: startAmos,
      drive: (c, port, seconds) => drive(c, port, 'closed', seconds),
      beforeCase: (c) => {
        if (c.name === 'member-joined') refillGatedChannels();
      },
      progress: async () => {
        const now = await counts(db);
        return [now.records, now.jobs, slackEffects()];
      },
      cpuMs: (appPid) => processCpuMs(appPid) + (pg.pgPid ? treeCpuMs(pg.pgPid) : 0),
      warmup: CASES.find((c) => c.name === 'status') ?? (CASES[0] as BenchCase),
      perCase: env.BENCH_PROFILE_PER_CASE === '1',
      log,
    });
  }

  log('verifying every decision-record chain');
  let chains = 0;
  const broken: string[] = [];
  for (const { chainKey } of await listChainKeys(db, { teamId: TEAM.id })) {
    chains += 1;
    const verdict = verifyChain(await listChainRecords(db, chainKey));
    if (!verdict.ok) broken.push(`${chainKey} at seq ${verdict.brokenAtSeq}: ${verdict.reason}`);
  }
  const report = await writeResults(settings.output, {
    started,
    settings,
    machine: machineFacts(),
    loadAtStart,
    node: process.version,
    postgres: `${pgVersion} (${pg.kind})`,
    measurements,
    late,
    chains: { count: chains, broken },
    seededRecords: seeded.records,
    cores: os.availableParallelism(),
    statements,
    profile,
  });
  process.stdout.write(report);
  log(`written to ${settings.output}`);
}

let failed = false;
try {
  await main();
} catch (error) {
  failed = true;
  log(
    `benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
} finally {
  await stopAll();
}
process.exit(failed ? 1 : 0);
