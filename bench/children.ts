// Child processes of the benchmark, each stopped on exit, on failure and on Ctrl-C.
import { type ChildProcess, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const running = new Set<ChildProcess>();
const cleanups: (() => Promise<void>)[] = [];

/** Starts a child whose stdout and stderr go to `logFile`; it is stopped by stopAll(). */
export function startChild(
  args: string[],
  env: Record<string, string | undefined>,
  logFile: string,
): ChildProcess {
  const log = openSync(logFile, 'a');
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', log, log] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** Runs a child to completion and returns its stdout (stderr is passed through). */
export function runChild(args: string[], env: Record<string, string | undefined>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    running.add(child);
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += String(chunk);
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      running.delete(child);
      if (code === 0) resolve(out);
      else reject(new Error(`${args.join(' ')} exited with ${code}`));
    });
  });
}

/** SIGTERM (so a --cpu-prof profile is written), then SIGKILL after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Registers work to undo at the end (run in reverse order, after the children stopped). */
export function onCleanup(cleanup: () => Promise<void>): void {
  cleanups.push(cleanup);
}

let stopped: Promise<void> | undefined;
export function stopAll(): Promise<void> {
  stopped ??= (async () => {
    await Promise.all([...running].map((child) => stopChild(child)));
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error) => process.stderr.write(`cleanup failed: ${error}\n`));
    }
  })();
  return stopped;
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping the benchmark\n`);
    void stopAll().finally(() => process.exit(130));
  });
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port (or the child died). */
export async function waitForPort(port: number, child: ChildProcess, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`child exited with ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await sleep(200);
  }
  throw new Error(`nothing listening on ${port} after ${timeoutMs} ms`);
}
