import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/db/embedded-postgres.js';

// `npx amos start` exactly as `npm start` runs it: no DATABASE_URL, so the embedded
// PostgreSQL server is started under AMOS_DATA_DIR, migrated, and stopped on SIGTERM.
const bin = path.resolve(import.meta.dirname, '../bin/amos.js');
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'amos-start-'));
  await chmod(dataDir, 0o755);
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function start(port: number): { child: ChildProcess; output: () => string } {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('SLACK_') && !k.startsWith('AMOS_') && k !== 'DATABASE_URL',
    ),
  );
  const child = spawn(process.execPath, [bin, 'start'], {
    env: {
      ...env,
      SLACK_SIGNING_SECRET: 'cli-test-secret',
      SLACK_BOT_TOKEN: 'xoxb-cli-test',
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
      AMOS_DATA_DIR: dataDir,
      PORT: String(port),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (b) => {
    text += String(b);
  });
  child.stderr?.on('data', (b) => {
    text += String(b);
  });
  return { child, output: () => text };
}

async function readyz(port: number): Promise<number> {
  const until = Date.now() + 90_000;
  for (;;) {
    try {
      return (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
    } catch {
      if (Date.now() > until) throw new Error('the app never listened');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  child.kill('SIGTERM');
  return exited;
}

describe('npx amos start with no DATABASE_URL', () => {
  it('starts embedded PostgreSQL, serves /readyz 200, stops cleanly, and reuses the data next time', async () => {
    const port = await freePort();
    const first = start(port);
    expect(await readyz(port)).toBe(200);
    expect(first.output()).toContain('DATABASE_URL is not set: starting embedded PostgreSQL');
    expect(first.output()).toContain('20261125150000_workspaces_and_event_receipts');
    expect(await stop(first.child)).toBe(0);
    expect(first.output()).toContain('"msg":"stopped"');

    const second = start(port);
    expect(await readyz(port)).toBe(200);
    expect(second.output()).not.toContain('"msg":"migrated"');
    expect(await stop(second.child)).toBe(0);
  }, 240_000);

  it('stops cleanly when told to stop while it is still starting, leaving no database server behind', async () => {
    const port = await freePort();
    const early = start(port);
    // Signal as soon as the embedded server is being started, before the app listens.
    const until = Date.now() + 90_000;
    while (!early.output().includes('starting embedded PostgreSQL') && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(await stop(early.child)).toBe(0);
    expect(early.output()).toContain('SIGTERM received');
    const { execFileSync } = await import('node:child_process');
    const left = (() => {
      try {
        return execFileSync('pgrep', ['-f', `postgres -D ${dataDir}`])
          .toString()
          .trim();
      } catch {
        return '';
      }
    })();
    expect(left).toBe('');
  }, 240_000);
});
