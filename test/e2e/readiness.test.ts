import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { type Harness, startHarness } from '../support/app-harness.js';

// This file runs its own PostgreSQL server so it can stop and restart it.
let dataDir: string;
let pg: EmbeddedDatabase;
let h: Harness;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'amos-readyz-'));
  await chmod(dataDir, 0o755);
  pg = await startEmbeddedPostgres({ dataDir });
  h = await startHarness({ databaseUrl: pg.url });
});
afterAll(async () => {
  await h?.stop();
  await pg?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const readyz = async () => {
  const res = await fetch(`${h.baseUrl}/readyz`);
  return { status: res.status, body: await res.json() };
};

describe('/readyz follows the database', () => {
  it('is 200 while the database answers, 503 while it is down, and 200 once it is back', async () => {
    expect(await readyz()).toEqual({ status: 200, body: { status: 'ready' } });

    await pg.stop();
    expect(await readyz()).toEqual({ status: 503, body: { status: 'database unreachable' } });
    expect((await fetch(`${h.baseUrl}/healthz`)).status).toBe(200);

    pg = await startEmbeddedPostgres({ dataDir, port: pg.port });
    // The pool drops its dead connections on first use; readiness returns within seconds.
    const until = Date.now() + 15_000;
    let answer = await readyz();
    while (answer.status !== 200 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      answer = await readyz();
    }
    expect(answer).toEqual({ status: 200, body: { status: 'ready' } });
  });
});
