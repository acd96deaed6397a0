// Reading a V8 .cpuprofile (`node --cpu-prof`): where the samples' time went, by package or
// source file and by the bench's categories (our code, kysely, pg, Bolt/HTTP, pg-boss, GC,
// socket writes, other native), over the whole profile or over a window of time. Pure: used by
// bench/profile-summary.ts (the command line) and by the profile pass of bench/run.ts.
import { readFileSync } from 'node:fs';

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  /** Microseconds since the previous sample (the first: since startTime). */
  timeDeltas: number[];
  /** Microseconds of the V8 clock: CLOCK_MONOTONIC on Linux, as process.hrtime. */
  startTime: number;
  endTime: number;
}

export function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

/** A package name (node_modules), a `node:` module, a path from src/, or "(native/V8)". */
export function where(url: string): string {
  if (!url) return '(native/V8)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.startsWith('node:')) return url;
  const src = url.indexOf('/src/');
  return src >= 0 ? url.slice(src + 1) : url;
}

/** Our own code: a file under src/ of this repository (not a package's src/). */
export const isOurs = (url: string) => url.includes('/src/') && !url.includes('node_modules/');

export const CATEGORIES = [
  'src',
  'kysely',
  'pg',
  'bolt-http',
  'pg-boss',
  'gc',
  'writev',
  'native',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const CATEGORY_LABELS: Record<Category, string> = {
  src: 'our code (src/), self',
  kysely: 'kysely',
  pg: 'pg, pg-protocol, pg-pool, pg-types',
  'bolt-http': 'Bolt, Slack Web API client, HTTP',
  'pg-boss': 'pg-boss',
  gc: 'garbage collector',
  writev: 'writev (socket writes)',
  native: 'other native / V8',
  other: 'the rest (node internals, other packages)',
};

const PG = new Set([
  'pg',
  'pg-protocol',
  'pg-pool',
  'pg-types',
  'pg-int8',
  'pg-connection-string',
  'pgpass',
  'postgres-date',
  'postgres-array',
  'postgres-interval',
  'postgres-bytea',
]);
const HTTP = new Set(['axios', 'raw-body', 'tsscmp', 'path-to-regexp', 'express', 'body-parser']);
/** Native functions that write to a socket (libuv's writev and the single-buffer variants). */
const SOCKET_WRITES =
  /^write(v|Buffer|String|Latin1String|Utf8String|Ucs2String|AsciiString|Generic)$/;

/** The bench's category of a sample's own (self) frame. `(idle)` is not busy: undefined. */
export function categoryOf(frame: ProfileNode['callFrame']): Category | undefined {
  const { functionName, url } = frame;
  if (functionName === '(idle)') return undefined;
  if (functionName === '(garbage collector)') return 'gc';
  if (!url) return SOCKET_WRITES.test(functionName) ? 'writev' : 'native';
  if (isOurs(url)) return 'src';
  const place = where(url);
  if (place === 'kysely') return 'kysely';
  if (PG.has(place)) return 'pg';
  if (place === 'pg-boss') return 'pg-boss';
  if (
    place.startsWith('@slack/') ||
    HTTP.has(place) ||
    place.startsWith('node:_http') ||
    place === 'node:http' ||
    place === 'node:https' ||
    place.startsWith('node:internal/deps/undici') ||
    place.startsWith('node:internal/http')
  )
    return 'bolt-http';
  return 'other';
}

/** Each sample's time on the profile's clock (µs): startTime plus the deltas so far. */
export function sampleTimes(profile: CpuProfile): number[] {
  const times: number[] = new Array(profile.samples.length);
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i += 1) {
    t += profile.timeDeltas[i] ?? 0;
    times[i] = t;
  }
  return times;
}

/** A span of the profile's clock, [fromUs, toUs). */
export interface Window {
  fromUs: number;
  toUs: number;
}

export interface Breakdown {
  /** Time sampled in the window (idle included), µs. */
  sampledUs: number;
  /** Time not idle, µs. */
  busyUs: number;
  /** Busy µs per category (self time). */
  byCategory: Record<Category, number>;
  /** Busy µs with one of our functions anywhere on the (synchronous) stack. */
  srcInclusiveUs: number;
  /** Self µs by package / file (`where`), and by function. */
  groups: Map<string, number>;
  functions: Map<string, number>;
  /** Inclusive µs of each of our functions. */
  inclusive: Map<string, number>;
}

const fnName = (frame: ProfileNode['callFrame']) =>
  `${frame.functionName || '(anonymous)'} ${where(frame.url)}:${frame.lineNumber + 1}`;

/**
 * Where the time of the samples in `window` (all samples without one) went. A sample weighs
 * its time delta, as V8's own tools count it.
 */
export function breakdown(profile: CpuProfile, window?: Window): Breakdown {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const times = window ? sampleTimes(profile) : undefined;
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    if (window && times) {
      const t = times[i] ?? 0;
      if (t < window.fromUs || t >= window.toUs) return;
    }
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  const groups = new Map<string, number>();
  const functions = new Map<string, number>();
  let sampledUs = 0;
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    sampledUs += us;
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url } = node.callFrame;
    const group =
      functionName === '(idle)' ||
      functionName === '(program)' ||
      functionName === '(garbage collector)'
        ? functionName
        : where(url);
    groups.set(group, (groups.get(group) ?? 0) + us);
    functions.set(fnName(node.callFrame), (functions.get(fnName(node.callFrame)) ?? 0) + us);
    const category = categoryOf(node.callFrame);
    if (!category) continue;
    busyUs += us;
    byCategory[category] += us;
  }
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map<string, number>();
  let srcInclusiveUs = 0;
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const node = byId.get(cur);
      if (!node || !isOurs(node.callFrame.url)) continue;
      const fn = fnName(node.callFrame);
      if (seen.has(fn)) continue;
      seen.add(fn);
      inclusive.set(fn, (inclusive.get(fn) ?? 0) + us);
    }
    if (seen.size > 0) srcInclusiveUs += us;
  }
  return { sampledUs, busyUs, byCategory, srcInclusiveUs, groups, functions, inclusive };
}

/**
 * Whether the profile's clock is the runner's `process.hrtime` (both CLOCK_MONOTONIC on Linux):
 * the profile must start between the child's spawn and its first answer, and end between the
 * stop signal and its exit, all read with process.hrtime (µs). `slackUs` allows for rounding.
 */
export function sameClock(
  profile: Pick<CpuProfile, 'startTime' | 'endTime'>,
  bracket: { spawnUs: number; readyUs: number; stopUs: number; exitUs: number },
  slackUs = 5_000,
): boolean {
  return (
    profile.startTime >= bracket.spawnUs - slackUs &&
    profile.startTime <= bracket.readyUs + slackUs &&
    profile.endTime >= bracket.stopUs - slackUs &&
    profile.endTime <= bracket.exitUs + slackUs
  );
}

/** The main thread's profile among a process's files (`CPU.<date>.<time>.<pid>.<tid>.<seq>`). */
export function mainThreadFile(files: { name: string; size: number }[]): string | undefined {
  const profiles = files.filter((f) => f.name.endsWith('.cpuprofile'));
  const main = profiles.filter((f) => f.name.split('.').at(-3) === '0');
  const pool = main.length > 0 ? main : profiles;
  return pool.sort((a, b) => b.size - a.size)[0]?.name;
}
