// The profile pass of `npm run bench` (after the measured rounds): the AMOS app started once
// more under `node --cpu-prof`, each case driven closed loop for a few seconds and left to
// settle, the app stopped, and the profile's samples given to each case by its time window.
// V8 stamps samples with CLOCK_MONOTONIC microseconds, the clock of process.hrtime: checked
// first with a tiny profiled process, then against the app's own start and stop. Where the
// clocks disagree, one app start per case instead (its window placed from the spawn).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CaseProfile, ProfilePass } from './bounds.js';
import { stopChild } from './children.js';
import type { LoadResult } from './load.js';
import { breakdown, type CpuProfile, mainThreadFile, readProfile, sameClock } from './profile.js';
import type { BenchCase } from './workspace.js';

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

export interface PassDeps {
  cases: BenchCase[];
  /** Closed-loop seconds per case. */
  seconds: number;
  /** Longest settle wait per case. */
  settleSeconds: number;
  /** Folder for the .cpuprofile files (a subfolder per app start). */
  dir: string;
  /** Starts AMOS with these node options; resolves once it answers on its port. */
  startApp: (nodeArgs: string[]) => Promise<{ child: ChildProcess; port: number }>;
  drive: (c: BenchCase, port: number, seconds: number) => Promise<LoadResult>;
  /** Resets what a case needs before it runs (the gated channels' members). */
  beforeCase: (c: BenchCase) => void;
  /** Counters that move while after-ack work runs (records, jobs, Slack calls). */
  progress: () => Promise<number[]>;
  /** CPU ms of the app (by pid) and PostgreSQL so far. */
  cpuMs: (appPid: number) => number;
  warmup: BenchCase;
  /** One app start per case even when the clocks agree (BENCH_PROFILE_PER_CASE=1). */
  perCase?: boolean;
  log: (line: string) => void;
}

interface Timed {
  name: string;
  fromUs: number;
  toUs: number;
  requests: number;
}

/** Until the counters stop moving and app + PostgreSQL use under 20% of a core, bounded. */
async function settle(deps: PassDeps, pid: number): Promise<boolean> {
  const deadline = performance.now() + deps.settleSeconds * 1000;
  let last = (await deps.progress()).join();
  let cpu = deps.cpuMs(pid);
  for (let quiet = 0; quiet < 4; ) {
    if (performance.now() >= deadline) return false;
    await sleep(250);
    const now = (await deps.progress()).join();
    const used = deps.cpuMs(pid);
    quiet = now !== last || used - cpu > 50 ? 0 : quiet + 1;
    last = now;
    cpu = used;
  }
  return true;
}

async function profileIn(dir: string): Promise<CpuProfile | undefined> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const files = await Promise.all(
    names.map(async (name) => ({ name, size: (await stat(path.join(dir, name))).size })),
  );
  const main = mainThreadFile(files);
  return main ? readProfile(path.join(dir, main)) : undefined;
}

/** A tiny `node --cpu-prof` process: does its profile's clock fall inside its lifetime? */
export async function probeClock(dir: string): Promise<boolean> {
  await mkdir(dir, { recursive: true });
  const before = nowUs();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--cpu-prof', `--cpu-prof-dir=${dir}`, '-e', 'setTimeout(() => {}, 100)'],
      { stdio: 'ignore' },
    );
    child.once('error', reject);
    child.once('exit', () => resolve());
  });
  const after = nowUs();
  const profile = await profileIn(dir);
  return (
    profile !== undefined &&
    sameClock(profile, { spawnUs: before, readyUs: after, stopUs: before, exitUs: after })
  );
}

function caseProfile(profile: CpuProfile, t: Timed, offsetUs: number): CaseProfile {
  const b = breakdown(profile, { fromUs: t.fromUs + offsetUs, toUs: t.toUs + offsetUs });
  const ms = (us: number) => us / 1000;
  return {
    requests: t.requests,
    windowMs: ms(t.toUs - t.fromUs),
    sampledMs: ms(b.sampledUs),
    busyMs: ms(b.busyUs),
    byCategory: Object.fromEntries(
      Object.entries(b.byCategory).map(([k, v]) => [k, ms(v)]),
    ) as CaseProfile['byCategory'],
    srcInclusiveMs: ms(b.srcInclusiveUs),
  };
}

/** One profiled app start running `cases`; its profile and the windows on the runner's clock. */
async function profiledRun(deps: PassDeps, cases: BenchCase[], dir: string) {
  await mkdir(dir, { recursive: true });
  const spawnUs = nowUs();
  const { child, port } = await deps.startApp(['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  const readyUs = nowUs();
  const timed: Timed[] = [];
  let stopUs = 0;
  try {
    await deps.drive(deps.warmup, port, 1);
    await settle(deps, child.pid as number);
    for (const c of cases) {
      deps.beforeCase(c);
      const fromUs = nowUs();
      const load = await deps.drive(c, port, deps.seconds);
      const settled = await settle(deps, child.pid as number);
      timed.push({ name: c.name, fromUs, toUs: nowUs(), requests: load.requests });
      deps.log(
        `  profile ${c.name.padEnd(18)} ${load.requests} requests${settled ? '' : ` (still busy after ${deps.settleSeconds} s)`}`,
      );
    }
  } finally {
    stopUs = nowUs();
    await stopChild(child);
  }
  const bracket = { spawnUs, readyUs, stopUs, exitUs: nowUs() };
  return { profile: await profileIn(dir), timed, bracket };
}

export async function runProfilePass(deps: PassDeps): Promise<ProfilePass> {
  const started = performance.now();
  const base = { seconds: deps.seconds, cases: {} as Record<string, CaseProfile> };
  const probed = await probeClock(path.join(deps.dir, 'clock-probe'));
  let pass: ProfilePass | undefined;
  let clockNote =
    "the profile's clock did not match process.hrtime, so each case had an app start of its own, its window placed from the spawn";
  if (!probed) deps.log("a probe's profile clock is not the runner's: one app start per case");
  else if (deps.perCase)
    clockNote = 'BENCH_PROFILE_PER_CASE=1: an app start per case, its window placed from the spawn';
  else {
    const all = await profiledRun(deps, deps.cases, path.join(deps.dir, 'all'));
    if (!all.profile) {
      return {
        ...base,
        method: 'windows',
        clock: 'no profile',
        problem: 'the app wrote no profile (killed before it could write it?)',
      };
    }
    if (sameClock(all.profile, all.bracket)) {
      const profile = all.profile;
      pass = {
        ...base,
        method: 'windows',
        clock:
          "same clock: the profile's start and end fell inside the app's spawn-to-ready and stop-to-exit read with process.hrtime",
        cases: Object.fromEntries(all.timed.map((t) => [t.name, caseProfile(profile, t, 0)])),
      };
    } else deps.log("the app's profile clock is not the runner's: one app start per case");
  }
  if (!pass) {
    const cases: Record<string, CaseProfile> = {};
    const missing: string[] = [];
    for (const c of deps.cases) {
      const { profile, timed, bracket } = await profiledRun(deps, [c], path.join(deps.dir, c.name));
      const t = timed[0];
      if (!profile || !t) {
        missing.push(c.name);
        continue;
      }
      // Another clock: place the window from the spawn (the profile starts within ms of it).
      cases[c.name] = caseProfile(profile, t, profile.startTime - bracket.spawnUs);
    }
    pass = {
      ...base,
      method: 'per-case',
      clock: clockNote,
      cases,
      ...(missing.length ? { problem: `no profile written for ${missing.join(', ')}` } : {}),
    };
  }
  deps.log(`profile pass took ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return pass;
}
