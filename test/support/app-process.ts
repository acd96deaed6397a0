import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FakeSlack } from '../../src/sandbox/fake-slack.js';
import { SIGNING_SECRET, TEAM, TEST_JOB_SETTINGS } from './app-harness.js';
import { SlackDriver } from './driver.js';

const BIN = fileURLToPath(new URL('../../bin/amos.js', import.meta.url));

/** `npx amos <args>` as a real child process, for crash and process-split tests. */
export interface AppProcess {
  readonly child: ChildProcess;
  /** Resolves with the HTTP port once the app listens (never, for `worker`). */
  readonly listening: Promise<number>;
  /** Resolves once the job workers run. */
  readonly working: Promise<void>;
  /** A driver signing requests to this process (after `listening`). */
  driver(port: number): SlackDriver;
  /** What the process wrote to stdout so far (its log lines), for a failing test's message. */
  output(): string;
  /** SIGKILL: no drain, no goodbye. */
  kill(): Promise<void>;
  /** SIGTERM: a graceful stop. */
  stop(): Promise<void>;
}

export function spawnApp(
  args: string[],
  options: { databaseUrl: string; fake: FakeSlack; env?: Record<string, string> },
): AppProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: {
      ...process.env,
      SLACK_API_URL: options.fake.apiUrl,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: TEAM.botToken,
      DATABASE_URL: options.databaseUrl,
      PORT: '0',
      LOG_LEVEL: 'info',
      ...TEST_JOB_SETTINGS,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const watchers: {
    match: (l: Record<string, unknown>) => boolean;
    resolve: (l: Record<string, unknown>) => void;
  }[] = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    const start = output.lastIndexOf('\n') + 1;
    output += chunk.toString();
    for (const line of output.slice(start).split('\n')) {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      for (const w of watchers) if (w.match(parsed)) w.resolve(parsed);
    }
  });
  const watch = (match: (line: Record<string, unknown>) => boolean) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      watchers.push({ match, resolve });
      void exited.then(() => reject(new Error(`amos ${args.join(' ')} exited:\n${output}`)));
    });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const listening = watch((l) => l.msg === 'AMOS is listening').then((l) => Number(l.port));
  const working = watch((l) => l.msg === 'job workers started').then(() => undefined);
  listening.catch(() => undefined);
  working.catch(() => undefined);
  return {
    child,
    listening,
    working,
    output: () => output,
    driver: (port) =>
      new SlackDriver({
        eventsUrl: `http://127.0.0.1:${port}/slack/events`,
        signingSecret: SIGNING_SECRET,
        teamId: TEAM.id,
        createResponseUrl: () => options.fake.createResponseUrl(),
      }),
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      if (child.exitCode !== 0 && errors) process.stderr.write(errors);
    },
  };
}
