import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StartupRefusal } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startApp } from '../../src/main.js';
import { createTokenCipher, keyFingerprint } from '../../src/services/token-cipher.js';
import {
  ENCRYPTION_KEY,
  type Harness,
  installWorkspace,
  SIGNING_SECRET,
  startHarness,
  TEAM,
} from '../support/app-harness.js';
import { responsesTo } from '../support/approval-fixtures.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createEngagement, grant } from '../support/factories.js';

// A restart with another AMOS_ENCRYPTION_KEY used to leave every OAuth workspace silent
// (installations undecryptable, /readyz 200). Now the start is refused, and a rotation with
// AMOS_ENCRYPTION_KEY_PREVIOUS re-encrypts every installation on start.

const bin = path.resolve(import.meta.dirname, '../../bin/amos.js');
const OLD_KEY = ENCRYPTION_KEY;
const NEW_KEY = randomBytes(32).toString('hex');
const ALPHA = { ...TEAM, installedBy: 'U0ADMIN' };
const BETA = {
  id: 'T0BETA',
  name: 'Beta Co',
  botToken: 'xoxb-test-T0BETA',
  botUserId: 'U0BOT2',
  botId: 'B0BOT2',
  installedBy: 'U0BETAADMIN',
};
const oauthEnv = {
  SLACK_CLIENT_ID: '1111.2222',
  SLACK_CLIENT_SECRET: 'test-client-secret',
  SLACK_STATE_SECRET: 'test-state-secret',
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
};

const installations = (database: TestDatabase) =>
  database.db
    .selectFrom('workspace')
    .select(['team_id', 'installation_encrypted', 'installation_key_fingerprint'])
    .orderBy('team_id')
    .execute();

/** `npx amos start` in a child process; resolves with its exit code and output once it exits. */
function amosStart(env: Record<string, string>) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('SLACK_') && !k.startsWith('AMOS_') && k !== 'DATABASE_URL',
    ),
  );
  const child = spawn(process.execPath, [bin, 'start'], {
    env: { ...clean, SLACK_API_URL: 'http://127.0.0.1:9/api/', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b) => {
    stdout += String(b);
  });
  child.stderr.on('data', (b) => {
    stderr += String(b);
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('a restart with another encryption key', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    await installWorkspace(database.url, ALPHA, OLD_KEY);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('refuses to start with one clear line saying what to do, no stack trace, nothing changed', async () => {
    const before = await installations(database);
    const result = await amosStart({
      ...oauthEnv,
      AMOS_ENCRYPTION_KEY: NEW_KEY,
      DATABASE_URL: database.url,
    });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^AMOS cannot start: AMOS_ENCRYPTION_KEY is not the key the stored installations of 1 of 1 workspaces were encrypted with \(T0AMOS\): start with that key, or to change keys set AMOS_ENCRYPTION_KEY_PREVIOUS/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).not.toContain('AMOS is listening');
    expect(result.stdout + result.stderr).not.toContain(NEW_KEY);
    expect(await installations(database)).toEqual(before);
  }, 90_000);
});

describe('rotating the encryption key with AMOS_ENCRYPTION_KEY_PREVIOUS', () => {
  let database: TestDatabase;
  let h: Harness | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    await installWorkspace(database.url, ALPHA, OLD_KEY);
    await installWorkspace(database.url, BETA, OLD_KEY);
    await grant(database.db, ALPHA.id, 'U0EXEC', 'executive');
    await grant(database.db, BETA.id, 'U0OMAR', 'executive');
    await createEngagement(database.db, { teamId: ALPHA.id, slug: 'alpha-q3' });
    await createEngagement(database.db, { teamId: BETA.id, slug: 'beta-q3' });
  });
  afterAll(async () => {
    await h?.stop();
    await database?.drop();
  });

  const restart = async (env: Record<string, string>) => {
    await h?.stop();
    h = undefined;
    h = await startHarness({
      databaseUrl: database.url,
      oauthTeams: [ALPHA, BETA],
      install: false,
      env,
    });
    return h;
  };

  /** Each workspace answers `/amos status` about its own engagement and gets its own bot token. */
  const bothWorkspacesWork = async (app: Harness) => {
    for (const [team, user, slug] of [
      [ALPHA, 'U0EXEC', 'alpha-q3'],
      [BETA, 'U0OMAR', 'beta-q3'],
    ] as const) {
      const res = await app.driver.command(user, 'status', { teamId: team.id });
      expect(res.status).toBe(200);
      const ack = res.json as { text?: string } | undefined;
      const text =
        ack?.text && !ack.text.startsWith('Preparing')
          ? ack.text
          : String((await responsesTo(app, res.responseUrl))[0]?.body.text ?? '');
      expect(text).toContain(slug);
      expect(text).not.toContain(slug === 'alpha-q3' ? 'beta-q3' : 'alpha-q3');
      app.fake.reset();
      await app.driver.event(
        { type: 'app_home_opened', user, channel: `D${user}`, tab: 'home' },
        { teamId: team.id },
      );
      const publish = await app.fake.waitFor(
        (c) => c.method === 'views.publish' && c.args.user_id === user,
      );
      expect(publish.token).toBe(team.botToken);
    }
  };

  it('re-encrypts every installation on start, and both workspaces keep working', async () => {
    const before = await installations(database);
    expect(before.map((r) => r.installation_key_fingerprint)).toEqual([
      keyFingerprint(OLD_KEY),
      keyFingerprint(OLD_KEY),
    ]);
    const app = await restart({
      AMOS_ENCRYPTION_KEY: NEW_KEY,
      AMOS_ENCRYPTION_KEY_PREVIOUS: OLD_KEY,
    });
    const after = await installations(database);
    const cipher = createTokenCipher(NEW_KEY);
    for (const [i, row] of after.entries()) {
      expect(row.installation_key_fingerprint).toBe(keyFingerprint(NEW_KEY));
      expect(row.installation_encrypted).not.toBe(before[i]?.installation_encrypted);
      expect(JSON.parse(cipher.decrypt(row.installation_encrypted ?? '')).team.id).toBe(
        row.team_id,
      );
      expect(() => createTokenCipher(OLD_KEY).decrypt(row.installation_encrypted ?? '')).toThrow();
    }
    await bothWorkspacesWork(app);
  });

  it('afterwards the new key alone works', async () => {
    const app = await restart({ AMOS_ENCRYPTION_KEY: NEW_KEY });
    await bothWorkspacesWork(app);
  });

  it('says in the log when AMOS_ENCRYPTION_KEY_PREVIOUS is no longer needed', async () => {
    await h?.stop();
    h = undefined;
    const lines: string[] = [];
    const app = await startApp({
      env: {
        ...oauthEnv,
        AMOS_ENCRYPTION_KEY: NEW_KEY,
        AMOS_ENCRYPTION_KEY_PREVIOUS: OLD_KEY,
        DATABASE_URL: database.url,
        PORT: '0',
      },
      logger: pino({ level: 'info' }, { write: (line: string) => lines.push(line) }),
    });
    await app.stop();
    const said = lines.map((l) => JSON.parse(l) as { msg: string }).map((l) => l.msg);
    expect(said).toContain(
      'no installation is encrypted with AMOS_ENCRYPTION_KEY_PREVIOUS any more: it may be removed',
    );
    expect(lines.join('\n')).not.toContain(OLD_KEY);
    expect(lines.join('\n')).not.toContain(NEW_KEY);
  });

  it('and the old key alone is refused', async () => {
    await h?.stop();
    h = undefined;
    const start = startApp({
      env: {
        ...oauthEnv,
        AMOS_ENCRYPTION_KEY: OLD_KEY,
        DATABASE_URL: database.url,
        PORT: '0',
      },
      logger: createLogger('error'),
    });
    await expect(start).rejects.toThrow(StartupRefusal);
    await expect(start).rejects.toThrow(
      'AMOS_ENCRYPTION_KEY is not the key the stored installations of 2 of 2 workspaces',
    );
  });
});
