// Turns the benchmark's measurements into bench/RESULTS.md (written by the command, not by hand).
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { boundsSection, type ProfilePass } from './bounds.js';
import type { LoadResult } from './load.js';
import type { CpuAround } from './proc.js';

export interface Measurement {
  round: number;
  caseName: string;
  label: string;
  kind: 'baseline' | 'read' | 'decision';
  mode: 'closed' | 'paced';
  load: LoadResult;
  appCpuMsPerRequest: number;
  pgCpuMsPerRequest: number;
  peakRssMiB: number;
  /** False when the app or PostgreSQL was still busy at the end of BENCH_SETTLE_SECONDS. */
  settled: boolean;
  records: number;
  jobs: number;
  slackEffects: number;
  /** Decisions: requests whose decision committed (records of the case's committedKinds). */
  committed: number;
  /** Replies posted to response_urls during the run that said nothing was done. */
  refusedInReply: number;
  /**
   * Replies saying the decision had already been taken (the case's `alreadyDone`, e.g. an
   * escalation already acknowledged): a legitimate "nothing to do", neither committed nor refused.
   */
  alreadyDoneInReply?: number;
  effectsPerSecond: number;
  /** CPU of the load process, the runner (Slack stand-in) and the machine over the run. */
  cpuAround?: CpuAround;
}

/**
 * A decision case's accounting: of the requests answered 2xx, how many were told nothing was
 * done (in the ack, or in the reply), how many committed, and how many neither: an answer that
 * claimed (or, for an event, implied) the work without a committed decision. A request whose
 * client timed out but which committed anyway counts as committed only, so `unaccounted` is
 * a lower bound when requests failed.
 */
export function accounting(m: Measurement) {
  const refused = m.load.refused + m.refusedInReply;
  const alreadyDone = m.alreadyDoneInReply ?? 0;
  const unaccounted = Math.max(0, m.load.ok - refused - m.committed - alreadyDone);
  return { refused, committed: m.committed, alreadyDone, unaccounted };
}

export interface Report {
  started: Date;
  settings: {
    seconds: number;
    pacedSeconds: number;
    rate: number;
    connections: number;
    rounds: number;
    settleSeconds: number;
  };
  machine: string;
  /** The 1-minute load average when the benchmark started (a busy machine skews every figure). */
  loadAtStart?: number;
  node: string;
  postgres: string;
  measurements: Measurement[];
  /** Per decision case: decisions committed after their run's settle wait ended. */
  late?: Record<string, number>;
  chains: { count: number; broken: string[] };
  seededRecords: number;
  /** For "What bounds it": the machine's cores, statements per path, the profile pass. */
  cores?: number;
  statements?: { counts: Record<string, number>; source: string };
  profile?: ProfilePass;
}

export function machineFacts(): string {
  const cpus = os.cpus();
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  return `${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, load average at the end ${load}`;
}

const f = (n: number, digits = 1) =>
  typeof n === 'number' && Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
const range = (values: number[], digits = 1) => values.map((v) => f(v, digits)).join(' / ');
const span = (values: number[], digits = 2) => {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return 'n/a';
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  return lo.toFixed(digits) === hi.toFixed(digits)
    ? lo.toFixed(digits)
    : `${lo.toFixed(digits)}-${hi.toFixed(digits)}`;
};

interface Targets {
  share: number;
  p99Ratio: number;
}
const TARGETS: Record<'read' | 'decision', Targets> = {
  read: { share: 0.5, p99Ratio: 2 },
  decision: { share: 0.25, p99Ratio: 5 },
};
const P99_CEILING_MS = 50;

function summaryRows(report: Report): {
  table: string[];
  verdicts: string[];
  missed: Map<string, string[]>;
} {
  const { measurements } = report;
  const pick = (name: string, mode: string, round: number) =>
    measurements.find((m) => m.caseName === name && m.mode === mode && m.round === round);
  const rounds = [...new Set(measurements.map((m) => m.round))];
  const names = [...new Set(measurements.map((m) => m.caseName))];
  const table = [
    '| case | closed loop req/s | share of bare | paced p50 / p99 / p99.9 ms | paced p99 against bare | app CPU ms/request | PostgreSQL CPU ms/request | peak RSS MiB | records+jobs/s (closed) | acked: committed / refused / neither | targets |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const verdicts: string[] = [];
  const missed = new Map<string, string[]>();
  for (const name of names) {
    const closed = rounds.map((r) => pick(name, 'closed', r));
    const paced = rounds.map((r) => pick(name, 'paced', r));
    const bareClosed = rounds.map((r) => pick('baseline', 'closed', r));
    const barePaced = rounds.map((r) => pick('baseline', 'paced', r));
    const first = closed[0] ?? paced[0];
    if (!first) continue;
    const shares = closed.map((m, i) =>
      m && bareClosed[i] ? m.load.rps / bareClosed[i].load.rps : Number.NaN,
    );
    const ratios = paced.map((m, i) =>
      m && barePaced[i] ? m.load.p99 / barePaced[i].load.p99 : Number.NaN,
    );
    const all = [...closed, ...paced].filter((m): m is Measurement => m !== undefined);
    const acked = all.reduce((s, m) => s + m.load.ok, 0);
    const books = all.map(accounting);
    const refused = books.reduce((s, b) => s + b.refused, 0);
    const lateCommits = report.late?.[name] ?? 0;
    const committed = books.reduce((s, b) => s + b.committed, 0) + lateCommits;
    const alreadyDone = books.reduce((s, b) => s + b.alreadyDone, 0);
    const unaccounted = Math.max(0, acked - refused - committed - alreadyDone);
    let verdict = '';
    if (first.kind !== 'baseline') {
      const t = TARGETS[first.kind];
      const misses: string[] = [];
      if (shares.some((s) => !(s >= t.share)))
        misses.push(`throughput below ${t.share * 100}% of bare`);
      if (ratios.some((r) => !(r <= t.p99Ratio)))
        misses.push(`paced p99 above ${t.p99Ratio}x bare`);
      if (paced.some((m) => !m || !(m.load.p99 <= P99_CEILING_MS)))
        misses.push(`paced p99 above ${P99_CEILING_MS} ms`);
      if (all.some((m) => m.load.failed > 0 || m.load.dropped > 0))
        misses.push('failed or dropped requests');
      if (refused > 0) misses.push(`${refused} answered "nothing was done" (e.g. try again)`);
      if (first.kind === 'decision' && unaccounted > 0)
        misses.push(`${unaccounted} acked decisions neither committed nor refused`);
      missed.set(name, misses);
      verdict = misses.length === 0 ? 'met' : `missed: ${misses.join('; ')}`;
      verdicts.push(`- ${first.label}: ${verdict}`);
    }
    table.push(
      `| ${first.label} | ${range(
        closed.map((m) => m?.load.rps ?? Number.NaN),
        0,
      )} | ${span(shares)} | ${paced
        .map((m) => (m ? `${f(m.load.p50)} / ${f(m.load.p99)} / ${f(m.load.p999)}` : 'n/a'))
        .join(
          '; ',
        )} | ${first.kind === 'baseline' ? '1x' : `${span(ratios, 1)}x`} | ${span(closed.map((m) => m?.appCpuMsPerRequest ?? Number.NaN))} | ${span(closed.map((m) => m?.pgCpuMsPerRequest ?? Number.NaN))} | ${f(Math.max(...all.map((m) => m.peakRssMiB)), 0)} | ${range(
        closed.map((m) => m?.effectsPerSecond ?? Number.NaN),
        0,
      )} | ${first.kind === 'decision' ? `${acked}: ${committed}${lateCommits ? ` (${lateCommits} after their run's settle wait)` : ''}${alreadyDone ? ` + ${alreadyDone} already done` : ''} / ${refused} / ${unaccounted}` : `${acked}: - / ${refused} / -`} | ${verdict || 'baseline'} |`,
    );
  }
  return { table, verdicts, missed };
}

function detailRows(report: Report): string[] {
  const rows = [
    '| round | case | mode | requests | req/s | p50 | p90 | p99 | p99.9 | max ms | failed | dropped | refused | committed | app CPU ms/req | PG CPU ms/req | peak RSS MiB | records | jobs | Slack calls+responses | records+jobs/s | settled |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const m of report.measurements) {
    const l = m.load;
    rows.push(
      `| ${m.round} | ${m.caseName} | ${m.mode} | ${l.requests} | ${f(l.rps, 0)} | ${f(l.p50, 2)} | ${f(l.p90, 2)} | ${f(l.p99, 2)} | ${f(l.p999, 2)} | ${f(l.max, 1)} | ${l.failed} | ${l.dropped} | ${l.refused + m.refusedInReply} | ${m.kind === 'decision' ? `${m.committed}${m.alreadyDoneInReply ? ` (+${m.alreadyDoneInReply} already done)` : ''}` : '-'} | ${f(m.appCpuMsPerRequest, 2)} | ${f(m.pgCpuMsPerRequest, 2)} | ${f(m.peakRssMiB, 0)} | ${m.records} | ${m.jobs} | ${m.slackEffects} | ${f(m.effectsPerSecond, 0)} | ${m.settled ? 'yes' : 'no: still busy'} |`,
    );
  }
  return rows;
}

/** Writes the results file and returns its text. */
export async function writeResults(file: string, report: Report): Promise<string> {
  const s = report.settings;
  const { table, verdicts, missed } = summaryRows(report);
  const text = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench\` on ${report.started.toISOString()}; do not edit by hand (what`,
    'bounds each missed target, from this run and its profile pass, is under "What bounds it"; the',
    'hand-written findings and what each fix bought are in `bench/FINDINGS.md`).',
    '',
    `- Machine: ${report.machine}${report.loadAtStart !== undefined ? `; load average at the start ${report.loadAtStart.toFixed(2)}` : ''}`,
    ...(s.seconds < 10 || s.rounds < 2 || s.pacedSeconds < 10
      ? [
          `- **A short run** (${s.seconds} s closed, ${s.pacedSeconds} s paced, ${s.rounds} round(s); the defaults are 10 s, 10 s and 2): indicative only.`,
        ]
      : []),
    `- Node ${report.node}; PostgreSQL ${report.postgres}`,
    `- Load: closed loop ${s.connections} connections for ${s.seconds} s (autocannon); open loop paced at ${s.rate} requests/s for ${s.pacedSeconds} s (bench/load.ts); ${s.rounds} round(s); every request signed afresh; a separate load process`,
    `- Workspace: 1,000 engagements, ${report.seededRecords.toLocaleString('en')} decision records seeded, 5,000 open scope items, 2,000 people`,
    `- Decision-record chains verified after the run: ${report.chains.count}, broken: ${report.chains.broken.length === 0 ? 'none' : report.chains.broken.join('; ')}`,
    '',
    'Each figure is per round (round 1 / round 2); shares and ratios are against the bare Bolt app measured in the same round. Latency is the ack: from the moment a paced request was due (so a late send counts) to its answer. CPU per request is the process\'s CPU time over the run, post-ack work included, divided by the requests. records+jobs/s counts decision records and queued jobs written, until they stop moving after the last ack. "acked: committed / refused / neither": of the requests answered 2xx, how many decisions committed (counted as the records one committed request writes once: a vote, a grant or revoke, an added item, a gate decision), how many were told nothing was done ("nothing was changed, try again", "Already handled", an unexpected failure or inline modal errors, in the ack or in the reply), and how many neither: a broken promise if not zero. "+ n already done": answers that the decision had already been taken (an Acknowledge press on an escalation already acknowledged), a legitimate answer, neither committed nor refused.',
    '',
    '## Summary',
    '',
    ...table,
    '',
    '## Targets',
    '',
    'Read commands: at least 50% of bare throughput, paced p99 at most 2x bare. Decisions: at least 25%, paced p99 at most 5x, every acked decision committed. Every case: paced p99 at most 50 ms at the paced rate, no failed requests, none answered "nothing was done".',
    '',
    ...verdicts,
    '',
    ...boundsSection({
      measurements: report.measurements,
      missed,
      cores: report.cores ?? os.availableParallelism(),
      rate: s.rate,
      statements: report.statements,
      profile: report.profile,
    }),
    '## Every run',
    '',
    ...detailRows(report),
    '',
  ].join('\n');
  const previous = await readFile(file, 'utf8').catch(() => '');
  if (previous !== text) await writeFile(file, text);
  return text;
}
