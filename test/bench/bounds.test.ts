// The bench's pure parts behind "What bounds it" in bench/RESULTS.md: the profile's categories and
// window attribution, the clock check, the statement counts, and the section itself.
import { describe, expect, it } from 'vitest';
import { boundsSection, demandOf, statementCounts } from '../../bench/bounds.js';
import type { LoadResult } from '../../bench/load.js';
import {
  breakdown,
  type CpuProfile,
  categoryOf,
  mainThreadFile,
  sameClock,
  sampleTimes,
} from '../../bench/profile.js';
import type { Measurement } from '../../bench/report.js';

const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0 });

// root → handler (src) → writev (native); root → kysely compile; (idle); (garbage collector).
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 4, 5, 6] },
    { id: 2, callFrame: frame('handle', 'file:///app/src/services/x.ts'), children: [3] },
    { id: 3, callFrame: frame('writev') },
    { id: 4, callFrame: frame('compile', 'file:///app/node_modules/kysely/dist/esm/q.js') },
    { id: 5, callFrame: frame('(idle)') },
    { id: 6, callFrame: frame('(garbage collector)') },
  ],
  // Sample times: 1010, 1020, 1030, 1040, 1050, 1060 (µs).
  samples: [3, 2, 4, 5, 3, 6],
  timeDeltas: [10, 10, 10, 10, 10, 10],
  startTime: 1000,
  endTime: 1060,
};

describe('profile categories and windows', () => {
  it('counts each sample by its own frame, our code inclusive by the stack', () => {
    const all = breakdown(profile);
    expect(all.sampledUs).toBe(60);
    expect(all.busyUs).toBe(50);
    expect(all.byCategory).toMatchObject({ writev: 20, src: 10, kysely: 10, gc: 10, pg: 0 });
    expect(all.srcInclusiveUs).toBe(30);
  });

  it('gives a window only the samples stamped inside it', () => {
    expect(sampleTimes(profile)).toEqual([1010, 1020, 1030, 1040, 1050, 1060]);
    const w = breakdown(profile, { fromUs: 1020, toUs: 1050 });
    expect(w.sampledUs).toBe(30);
    expect(w.busyUs).toBe(20);
    expect(w.byCategory).toMatchObject({ src: 10, kysely: 10, writev: 0 });
    expect(w.srcInclusiveUs).toBe(10);
  });

  it("files a package's own src/ under the package, node's HTTP under Bolt/HTTP", () => {
    expect(categoryOf(frame('work', 'file:///a/node_modules/pg-boss/src/manager.js'))).toBe(
      'pg-boss',
    );
    expect(categoryOf(frame('parse', 'file:///a/node_modules/pg-protocol/dist/parser.js'))).toBe(
      'pg',
    );
    expect(categoryOf(frame('write', 'node:_http_outgoing'))).toBe('bolt-http');
    expect(categoryOf(frame('m', 'file:///a/node_modules/@slack/bolt/dist/App.js'))).toBe(
      'bolt-http',
    );
    expect(categoryOf(frame('writeBuffer'))).toBe('writev');
    expect(categoryOf(frame('runMicrotasks'))).toBe('native');
    expect(categoryOf(frame('(idle)'))).toBeUndefined();
  });

  it('accepts the clock only when the profile starts and ends inside the bracket', () => {
    const bracket = { spawnUs: 900, readyUs: 1100, stopUs: 1050, exitUs: 1200 };
    expect(sameClock(profile, bracket, 0)).toBe(true);
    expect(sameClock({ startTime: 1000 + 3.6e9, endTime: 1060 + 3.6e9 }, bracket, 0)).toBe(false);
    expect(sameClock({ startTime: 1000, endTime: 1300 }, bracket, 0)).toBe(false);
  });

  it("picks the main thread's file, not tsx's loader thread", () => {
    expect(
      mainThreadFile([
        { name: 'CPU.20261202.055654.2562.1.002.cpuprofile', size: 900 },
        { name: 'CPU.20261202.055654.2562.0.001.cpuprofile', size: 100 },
        { name: 'notes.txt', size: 5000 },
      ]),
    ).toBe('CPU.20261202.055654.2562.0.001.cpuprofile');
  });
});

describe('statement counts from EXPLAIN.md', () => {
  it("reads the first table's path and statements columns only", () => {
    const text = [
      '| path | statements | distinct | wall ms (one call, idle) | outcome |',
      '|---|---|---|---|---|',
      '| status | 10 | 10 | 29.7 | done |',
      '| approve-button | 11 | 10 | 4.2 | done |',
      '',
      '## status',
      '| 1 | 1 | `select 1` | Result | 0.060 | shared hit=6 | |',
    ].join('\n');
    expect(statementCounts(text)).toEqual({ status: 10, 'approve-button': 11 });
  });
});

const load = (over: Partial<LoadResult>): LoadResult => ({
  used: 1000,
  requests: 1000,
  ok: 1000,
  refused: 0,
  failed: 0,
  dropped: 0,
  seconds: 10,
  rps: 100,
  p50: 1,
  p90: 1,
  p99: 1,
  p999: 1,
  max: 1,
  ...over,
});
const run = (over: Partial<Measurement> & Pick<Measurement, 'caseName' | 'mode'>): Measurement => ({
  round: 1,
  label: over.caseName,
  kind: 'decision',
  load: load({}),
  appCpuMsPerRequest: 1,
  pgCpuMsPerRequest: 1,
  peakRssMiB: 100,
  settled: true,
  records: 0,
  jobs: 0,
  slackEffects: 0,
  committed: 0,
  refusedInReply: 0,
  effectsPerSecond: 0,
  ...over,
});

describe('What bounds it', () => {
  // A vote: 4 + 5 ms, the load 0.5 ms while sending, the stand-in 0.5 ms: 10 ms per request.
  const vote = run({
    caseName: 'approve-button',
    mode: 'closed',
    load: load({ requests: 180, rps: 180, cpuMs: 90 }),
    appCpuMsPerRequest: 4,
    pgCpuMsPerRequest: 5,
    jobs: 360,
    cpuAround: { loadMs: 200, runnerMs: 90, machineMs: 1800 + 500, wallMs: 1000 },
  });
  const votePaced = run({
    caseName: 'approve-button',
    mode: 'paced',
    load: load({ requests: 2000, rps: 150, p99: 900 }),
    cpuAround: { loadMs: 0, runnerMs: 0, machineMs: 0, wallMs: 10_000 },
  });
  const bare = run({
    caseName: 'baseline',
    kind: 'baseline',
    mode: 'closed',
    load: load({ requests: 5000, rps: 5000, cpuMs: 500 }),
    appCpuMsPerRequest: 0.1,
    pgCpuMsPerRequest: 0,
    cpuAround: { loadMs: 500, runnerMs: 0, machineMs: 1000, wallMs: 1000 },
  });
  const status = run({ caseName: 'status', kind: 'read', mode: 'closed' });

  it('adds up the CPU per request, the load without its start-up, the others beside it', () => {
    const d = demandOf([vote]);
    expect(d).toMatchObject({ appMs: 4, pgMs: 5, loadMs: 0.5, runnerMs: 0.5, totalMs: 10 });
    expect(d?.jobsPerRequest).toBe(2);
    // Machine 2,300 ms over 1 s; ours (4 + 5 + 0.5) ms × 180 + the load's 200 ms with its start-up
    // = 1,910 ms: 0.39 cores of others.
    expect(d?.othersCores).toBeCloseTo(0.39, 2);
  });

  it('a table row for every case and one sentence per missed case, from the numbers', () => {
    const lines = boundsSection({
      measurements: [bare, vote, status, votePaced],
      missed: new Map([
        ['approve-button', ['throughput below 25% of bare', 'paced p99 above 50 ms']],
        ['status', []],
      ]),
      cores: 2,
      rate: 200,
      statements: { counts: { 'approve-button': 10 }, source: 'EXPLAIN.md' },
      profile: {
        method: 'windows',
        seconds: 3,
        clock: 'same clock',
        cases: {
          'approve-button': {
            requests: 100,
            windowMs: 4000,
            sampledMs: 4000,
            busyMs: 1000,
            byCategory: {
              src: 50,
              kysely: 100,
              pg: 90,
              'bolt-http': 80,
              'pg-boss': 10,
              gc: 120,
              writev: 400,
              native: 50,
              other: 100,
            },
            srcInclusiveMs: 550,
          },
        },
      },
    });
    const text = lines.join('\n');
    expect(text).toContain('## What bounds it');
    expect(text).toContain(
      '| approve-button | 4.00 + 5.00 + 0.50 + 0.50 = 10.00 | 2.00 | 0.4 | 200 → 180 | 10 / 2.0 | 10.00 | 5% / 55% | 10% | 9% | 8% | 1% | 12% | 40% | 5% | 10% |',
    );
    expect(text).toMatch(/\| status \| 1\.00 \+ 1\.00 \+ n\/a \+ n\/a = 2\.00 \| 0\.40 \| n\/a \|/);
    expect(text).toContain('writev is not a slow system call');
    const sentences = lines.filter((l) => l.startsWith('- '));
    expect(sentences).toHaveLength(1);
    expect(sentences[0]).toContain('200/s needs 2.00 of 2 cores, more than the machine had');
    expect(sentences[0]).toContain(
      'CPU caps the closed loop at 200/s on 2 cores (161/s on the 1.6 cores other processes left it) and it did 180/s (CPU-bound)',
    );
    expect(sentences[0]).toContain("; bare Bolt's 0.20 ms caps its share at 0.02");
    expect(sentences[0]).toContain(
      'writev 40%, GC 12%, kysely 10%, our code 5% self (55% inclusive)',
    );
    expect(sentences[0]).toContain('10 statements on the request path, 2.0 jobs per request');
  });

  it('tells acks that outran the work, and a case that waits below its CPU ceiling', () => {
    const cpu = { loadMs: 0, runnerMs: 0, machineMs: 0, wallMs: 1000 };
    const joins = run({
      caseName: 'member-joined',
      mode: 'closed',
      load: load({ requests: 300, rps: 300, cpuMs: 0 }),
      appCpuMsPerRequest: 5,
      pgCpuMsPerRequest: 5,
      // Measured while the load ran: preferred to the span's machine figures.
      cpuAround: { ...cpu, othersCoresDuringLoad: 0.1 },
    });
    const grants = run({
      caseName: 'role-grant',
      mode: 'closed',
      load: load({ requests: 50, rps: 50, cpuMs: 0 }),
      appCpuMsPerRequest: 5,
      pgCpuMsPerRequest: 5,
      cpuAround: { ...cpu, othersCoresDuringLoad: 0 },
    });
    expect(demandOf([joins])?.othersCores).toBeCloseTo(0.1, 5);
    let sentences = boundsSection({
      measurements: [joins, grants],
      missed: new Map([
        ['member-joined', ['throughput below 25% of bare']],
        ['role-grant', ['throughput below 25% of bare']],
      ]),
      cores: 2,
      rate: 200,
    });
    // No profile: no profile columns, no writev note.
    expect(sentences.find((l) => l.startsWith('| member-joined |'))).toMatch(
      /→ 300 \| - \/ 0\.0 \|$/,
    );
    expect(sentences.join('\n')).not.toContain('writev');
    sentences = sentences.filter((l) => l.startsWith('- '));
    expect(sentences[0]).toContain(
      'CPU caps the closed loop at 200/s on 2 cores and it did 300/s (more acks than its CPU allows',
    );
    expect(sentences[1]).toContain(
      'it did 50/s (below the ceiling, so it also waits: commit, locks or the pool)',
    );
  });

  it('nothing when every target is met', () => {
    expect(
      boundsSection({
        measurements: [status],
        missed: new Map([['status', []]]),
        cores: 2,
        rate: 200,
      }),
    ).toEqual([]);
  });
});
