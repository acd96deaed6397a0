// "What bounds it" in bench/RESULTS.md, from the run's numbers: the CPU demand of each case (app,
// PostgreSQL, load process and Slack stand-in per request, against the machine's cores), the
// profile pass's breakdown of the app's busy time, statements and jobs per request. Pure.
import type { CpuAround } from './proc.js';
import { CATEGORIES, type Category } from './profile.js';
import type { Measurement } from './report.js';

/** One case's share of the profile pass: the samples in its time window. */
export interface CaseProfile {
  requests: number;
  windowMs: number;
  sampledMs: number;
  /** The app's main thread not idle, ms. */
  busyMs: number;
  /** Busy ms per category (self time). */
  byCategory: Record<Category, number>;
  /** Busy ms with our code (src/) on the stack. */
  srcInclusiveMs: number;
}

export interface ProfilePass {
  /** `windows`: one app, samples attributed by time; `per-case`: one app start per case. */
  method: 'windows' | 'per-case';
  seconds: number;
  /** What the check of the profile's clock against the runner's found. */
  clock: string;
  cases: Record<string, CaseProfile>;
  /** Why a case or the whole pass has no breakdown, if so. */
  problem?: string;
}

export interface BoundsInput {
  measurements: Measurement[];
  /** Per case, the targets it missed (the texts of report.ts's summary). */
  missed: Map<string, string[]>;
  cores: number;
  rate: number;
  statements?: { counts: Record<string, number>; source: string };
  profile?: ProfilePass;
}

/** Statements per path from EXPLAIN.md's first table (`| path | statements | distinct | …`). */
export function statementCounts(explain: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of explain.split('\n')) {
    if (line.startsWith('## ')) break;
    const match = /^\| ([a-z][a-z0-9-]*) \| (\d+) \| \d+ \|/.exec(line);
    if (match?.[1] && match[2]) counts[match[1]] = Number(match[2]);
  }
  return counts;
}

export interface Demand {
  requests: number;
  /** Mean closed-loop requests/s over the rounds. */
  rps: number;
  appMs: number;
  pgMs: number;
  /** The load process while it sent (its start-up left out); NaN when not measured. */
  loadMs: number;
  runnerMs: number;
  /** All the CPU one request cost, per request (unmeasured parts left out). */
  totalMs: number;
  jobsPerRequest: number;
  /** Cores other processes of the machine used while the load ran, on average. */
  othersCores: number;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const orZero = (n: number) => (Number.isFinite(n) ? n : 0);

/** A case's CPU per request over its closed-loop runs (request-weighted). */
export function demandOf(closed: Measurement[]): Demand | undefined {
  const runs = closed.filter((m) => m.load.requests > 0);
  const requests = sum(runs.map((m) => m.load.requests));
  if (requests === 0) return undefined;
  const per = (total: number) => total / requests;
  const around = (pick: (c: CpuAround) => number) =>
    runs.every((m) => m.cpuAround && Number.isFinite(pick(m.cpuAround)))
      ? per(sum(runs.map((m) => pick(m.cpuAround as CpuAround))))
      : Number.NaN;
  const appMs = per(sum(runs.map((m) => m.appCpuMsPerRequest * m.load.requests)));
  const pgMs = per(sum(runs.map((m) => m.pgCpuMsPerRequest * m.load.requests)));
  const loadMs = runs.every((m) => m.load.cpuMs !== undefined)
    ? per(sum(runs.map((m) => m.load.cpuMs ?? 0)))
    : Number.NaN;
  const runnerMs = around((c) => c.runnerMs);
  const totalMs = orZero(appMs) + orZero(pgMs) + orZero(loadMs) + orZero(runnerMs);
  // Ours on the machine: the load process with its start-up (from /proc), not only its sending.
  const ours =
    (orZero(appMs) + orZero(pgMs) + orZero(around((c) => c.loadMs)) + orZero(runnerMs)) * requests;
  const machine = around((c) => c.machineMs) * requests;
  const wall = sum(runs.map((m) => m.cpuAround?.wallMs ?? Number.NaN));
  return {
    requests,
    rps: sum(runs.map((m) => m.load.rps)) / runs.length,
    appMs,
    pgMs,
    loadMs,
    runnerMs,
    totalMs,
    jobsPerRequest: per(sum(runs.map((m) => m.jobs))),
    othersCores: othersDuringLoad(runs) ?? Math.max(0, (machine - ours) / wall),
  };
}

/** Others' cores while the load ran, weighted by the runs' load seconds (undefined if unread). */
function othersDuringLoad(runs: Measurement[]): number | undefined {
  if (!runs.every((m) => m.cpuAround?.othersCoresDuringLoad !== undefined)) return undefined;
  const seconds = sum(runs.map((m) => m.load.seconds));
  return sum(runs.map((m) => (m.cpuAround?.othersCoresDuringLoad ?? 0) * m.load.seconds)) / seconds;
}

const f = (n: number | undefined, digits = 1) =>
  typeof n === 'number' && Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
const pct = (part: number, whole: number) =>
  whole > 0 && Number.isFinite(part) ? `${((part / whole) * 100).toFixed(0)}%` : 'n/a';

const SHORT: Record<Category, string> = {
  src: 'our code',
  kysely: 'kysely',
  pg: 'pg',
  'bolt-http': 'Bolt/HTTP',
  'pg-boss': 'pg-boss',
  gc: 'GC',
  writev: 'writev',
  native: 'other native',
  other: 'the rest',
};

/** The section's lines; none when no case missed a target. */
export function boundsSection(input: BoundsInput): string[] {
  const { measurements, missed, cores, rate, statements, profile } = input;
  if (![...missed.values()].some((m) => m.length > 0)) return [];
  const names = [...new Set(measurements.map((m) => m.caseName))];
  const closedOf = (name: string) =>
    measurements.filter((m) => m.caseName === name && m.mode === 'closed');
  const pacedOf = (name: string) =>
    measurements.filter((m) => m.caseName === name && m.mode === 'paced');
  const labelOf = (name: string) => measurements.find((m) => m.caseName === name)?.label ?? name;
  const bare = demandOf(closedOf('baseline'));
  const pacedP99 = (name: string) =>
    measurements
      .filter((m) => m.caseName === name && m.mode === 'paced')
      .map((m) => f(m.load.p99, 0))
      .join(' / ');

  const profiled = profile !== undefined && Object.keys(profile.cases).length > 0;
  const profileCols = CATEGORIES.filter((c) => c !== 'src');
  const profileHead = profiled
    ? ` app busy ms/request (profile) | our code self / inclusive | ${profileCols.map((c) => SHORT[c]).join(' | ')} |`
    : '';
  const table = [
    `| case | CPU ms/request: app + PostgreSQL + load + stand-in = all | cores for ${rate}/s (of ${cores}) | other processes, cores | closed-loop ceiling → measured req/s | statements / jobs per request |${profileHead}`,
    `|---|---|---|---|---|---|${profiled ? `---|---|${profileCols.map(() => '---').join('|')}|` : ''}`,
  ];
  const sentences: string[] = [];
  for (const name of names) {
    const d = demandOf(closedOf(name));
    if (!d) continue;
    const ceiling = (cores * 1000) / d.totalMs;
    const needed = (d.totalMs * rate) / 1000;
    const stmts = statements?.counts[name];
    const prof = profile?.cases[name];
    const share = (c: Category) => (prof ? pct(prof.byCategory[c], prof.busyMs) : 'n/a');
    table.push(
      `| ${labelOf(name)} | ${f(d.appMs, 2)} + ${f(d.pgMs, 2)} + ${f(d.loadMs, 2)} + ${f(d.runnerMs, 2)} = ${f(d.totalMs, 2)} | ${f(needed, 2)} | ${f(d.othersCores, 1)} | ${f(ceiling, 0)} → ${f(d.rps, 0)} | ${stmts ?? '-'} / ${f(d.jobsPerRequest, 1)} |${profiled ? ` ${prof ? f(prof.busyMs / prof.requests, 2) : 'n/a'} | ${share('src')} / ${prof ? pct(prof.srcInclusiveMs, prof.busyMs) : 'n/a'} | ${profileCols.map(share).join(' | ')} |` : ''}`,
    );

    const misses = missed.get(name) ?? [];
    if (misses.length === 0) continue;
    const parts = [
      `${f(d.totalMs, 1)} ms of CPU per request all in (app ${f(d.appMs, 1)}, PostgreSQL ${f(d.pgMs, 1)})`,
    ];
    // The miss texts are report.ts's summaryRows' own.
    if (misses.some((m) => m.startsWith('paced p99'))) {
      const paced = demandOf(pacedOf(name));
      const available = cores - (paced?.othersCores ?? 0);
      const answered = paced ? paced.rps : Number.NaN;
      const pacedCpu = paced ? orZero(paced.appMs) + orZero(paced.pgMs) : Number.NaN;
      const others =
        paced && paced.othersCores >= 0.3
          ? ` (other processes took ${f(paced.othersCores, 1)} of them meanwhile)`
          : '';
      const qualifier =
        needed >= available
          ? 'more than the machine had, so paced requests queued'
          : answered < 0.9 * rate
            ? `within the machine on paper, but the paced run was answered at ${f(answered, 0)}/s (app + PostgreSQL ${f(pacedCpu, 1)} ms per request under that queue), so requests queued`
            : `and the paced run kept up (${f(answered, 0)}/s), so the p99 is its own service time and waiting (round trips, commit, locks, pool), not a shortage of CPU`;
      parts.push(
        `${rate}/s needs ${f(needed, 2)} of ${cores} cores${others}, ${qualifier} (paced p99 ${pacedP99(name)} ms)`,
      );
    }
    if (misses.some((m) => m.startsWith('throughput'))) {
      // On a shared machine, what the other processes left is the ceiling that counts.
      const shared = d.othersCores >= 0.3;
      const left = Math.max(0.1, cores - (shared ? d.othersCores : 0));
      const reachable = (left * 1000) / d.totalMs;
      const verdict =
        d.rps > 1.2 * ceiling
          ? 'more acks than its CPU allows: the rest of its work ran after the load, after the ack'
          : d.rps >= 0.8 * reachable
            ? shared && d.rps < 0.8 * ceiling
              ? 'CPU-bound on what the other processes left'
              : 'CPU-bound'
            : 'below the ceiling, so it also waits: commit, locks or the pool';
      parts.push(
        `CPU caps the closed loop at ${f(ceiling, 0)}/s on ${cores} cores${shared ? ` (${f(reachable, 0)}/s on the ${f(left, 1)} cores other processes left it)` : ''} and it did ${f(d.rps, 0)}/s (${verdict})${bare ? `; bare Bolt's ${f(bare.totalMs, 2)} ms caps its share at ${f(bare.totalMs / d.totalMs, 2)}` : ''}`,
      );
    }
    if (prof && prof.busyMs > 0) {
      const top = CATEGORIES.filter((c) => c !== 'src' && c !== 'other')
        .sort((a, b) => prof.byCategory[b] - prof.byCategory[a])
        .slice(0, 3)
        .map((c) => `${SHORT[c]} ${share(c)}`);
      parts.push(
        `the app's busy time: ${top.join(', ')}, our code ${share('src')} self (${pct(prof.srcInclusiveMs, prof.busyMs)} inclusive)`,
      );
    }
    parts.push(
      `${stmts === undefined ? 'statements not traced' : `${stmts} statements on the request path`}, ${f(d.jobsPerRequest, 1)} jobs per request`,
    );
    sentences.push(`- ${labelOf(name)}: ${parts.join('; ')}.`);
  }

  const profileNote = profile
    ? `the app started once more under \`node --cpu-prof\` after the rounds, each case ${profile.seconds} s closed loop and its settle wait; ${profile.method === 'windows' ? 'each case gets the samples inside its time window, from its first request to the end of its settle wait' : 'an app start per case'} (${profile.clock}). Shares of the main thread's busy time${profile.problem ? `; ${profile.problem}` : ''}.`
    : 'not run (`BENCH_PROFILE=0`).';
  return [
    '## What bounds it',
    '',
    `**CPU per request**: the closed-loop runs (post-ack work included); app and PostgreSQL as above, the load process while it sent, and the Slack stand-in (it runs in the bench runner, with the runner's polling), from /proc. Cores for ${rate}/s = all × ${rate}/s; the closed-loop ceiling = ${cores} cores (\`os.availableParallelism()\`) / all. Other processes: the machine's busy time less ours, while the load ran.`,
    '',
    `**Profile**: ${profileNote}`,
    '',
    `**Statements**: the request path's service calls, from ${statements ? statements.source : 'no EXPLAIN.md in this run'} (listener reads and post-ack jobs not counted); jobs per request from the closed-loop runs.`,
    '',
    ...table,
    '',
    ...(profiled
      ? [
          "writev is not a slow system call: it is where the app was sampled when, on this saturated 2-core machine, its write to PostgreSQL woke the backend, which then took the core (a Unix socket instead of TCP measured the same; the lead's measurement, 2026-12-02). So the lever is CPU per request across app and PostgreSQL: statements per request, jobs per request and work after the ack.",
          '',
        ]
      : []),
    ...sentences,
    '',
  ];
}
