// CPU time and memory of processes, read from /proc (Linux only, as the bench machine is).
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on every Linux we run). */
const TICKS_PER_SECOND = 100;

interface Stat {
  ppid: number;
  /** utime + stime in ms. */
  cpuMs: number;
  /** cutime + cstime in ms (children that exited and were waited for). */
  childrenCpuMs: number;
}

function stat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: split after it.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const n = (i: number) => Number(fields[i - 3]);
    const ms = (ticks: number) => (ticks * 1000) / TICKS_PER_SECOND;
    return { ppid: n(4), cpuMs: ms(n(14) + n(15)), childrenCpuMs: ms(n(16) + n(17)) };
  } catch {
    return undefined;
  }
}

/** CPU ms used so far by one process. */
export function processCpuMs(pid: number): number {
  return stat(pid)?.cpuMs ?? Number.NaN;
}

/**
 * CPU ms used so far by a server process and all its current children, plus the children that
 * already exited (PostgreSQL's postmaster and its backends).
 */
export function treeCpuMs(rootPid: number): number {
  const root = stat(rootPid);
  if (!root) return Number.NaN;
  let total = root.cpuMs + root.childrenCpuMs;
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === rootPid) continue;
    const child = stat(pid);
    if (child?.ppid === rootPid) total += child.cpuMs;
  }
  return total;
}

/** Resident set size in MiB (VmRSS), or NaN once the process is gone. */
export function rssMiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** The postmaster's pid from a data directory's postmaster.pid, or undefined. */
export function postmasterPid(dataDirectory: string): number | undefined {
  try {
    const pid = Number(readFileSync(`${dataDirectory}/postmaster.pid`, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** CPU time around one run that is not the app's or PostgreSQL's, and the machine's, in ms. */
export interface CpuAround {
  /** Children of this process that exited and were waited for during the span: the load process. */
  loadMs: number;
  /** This process itself: the Slack stand-in (it runs in the runner) and the runner's polling. */
  runnerMs: number;
  /** Every process on the machine, all cores (from /proc/stat). */
  machineMs: number;
  wallMs: number;
  /** Cores other processes of the machine used while the load ran (not the settle wait). */
  othersCoresDuringLoad?: number;
}

/** Busy CPU ms of the whole machine so far (all cores; idle and iowait left out). */
export function machineBusyMs(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    return ((total - idle) * 1000) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** Starts measuring `CpuAround`; call the result at the end of the span. */
export function cpuAround(): () => CpuAround {
  const children = () => stat(process.pid)?.childrenCpuMs ?? Number.NaN;
  const own = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const start = {
    load: children(),
    runner: own(),
    machine: machineBusyMs(),
    wall: performance.now(),
  };
  return () => ({
    loadMs: children() - start.load,
    runnerMs: own() - start.runner,
    machineMs: machineBusyMs() - start.machine,
    wallMs: performance.now() - start.wall,
  });
}

/**
 * Cores the machine's other processes used from now until the result is called: the machine's
 * busy time less ours (`ourCpuMs`: app and PostgreSQL) and this process's with its waited-for
 * children (the load process, once it exited).
 */
export function othersMeter(ourCpuMs: () => number): () => number {
  const ours = () => {
    const own = process.cpuUsage();
    return ourCpuMs() + (stat(process.pid)?.childrenCpuMs ?? 0) + (own.user + own.system) / 1000;
  };
  const start = { ours: ours(), machine: machineBusyMs(), wall: performance.now() };
  return () =>
    Math.max(
      0,
      (machineBusyMs() - start.machine - (ours() - start.ours)) / (performance.now() - start.wall),
    );
}
