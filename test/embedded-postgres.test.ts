import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.js';

// As root the embedded server runs as the `postgres` system user, which must be able to enter
// AMOS_DATA_DIR; `mktemp -d` makes folders of mode 0700 that only their owner may enter.
// Skipped when not run as root: then the server runs as the current user and nothing changes.
const asRoot = process.getuid?.() === 0;
const made: string[] = [];
afterAll(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!asRoot)(
  'embedded PostgreSQL started by root (skipped: not running as root)',
  () => {
    it('starts in a private (0700) AMOS_DATA_DIR, answers, stops, and leaves the folder unreadable to others', async () => {
      const dataDir = await mkdtemp(path.join(tmpdir(), 'amos-private-'));
      made.push(dataDir);
      expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
      const notices: string[] = [];
      const server = await startEmbeddedPostgres({
        dataDir,
        persistent: false,
        onNotice: (m) => notices.push(m),
      });
      try {
        const client = new pg.Client({ connectionString: server.url });
        await client.connect();
        try {
          const { rows } = await client.query('select current_database() as name');
          expect(rows[0].name).toBe('amos');
        } finally {
          await client.end();
        }
      } finally {
        await server.stop();
      }
      // The postgres group may enter, not list; everyone else gets nothing.
      expect((await stat(dataDir)).mode & 0o777).toBe(0o710);
      expect(notices.join('\n')).toContain(dataDir);
    }, 120_000);

    it('names the folder the postgres user cannot enter when it is above AMOS_DATA_DIR', async () => {
      const outer = await mkdtemp(path.join(tmpdir(), 'amos-outer-'));
      made.push(outer);
      const dataDir = path.join(outer, 'amos');
      await mkdir(dataDir);
      await expect(startEmbeddedPostgres({ dataDir, persistent: false })).rejects.toThrow(
        `cannot enter ${outer}`,
      );
      expect((await stat(outer)).mode & 0o777).toBe(0o700);
    });
  },
);
