import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anchorsCommand, verifyLogCommand } from '../../src/cli/decision-log-commands.js';
import type { Trx } from '../../src/db/database.js';
import { listDecisionRecords } from '../../src/db/decision-record-repository.js';
import { runChange, type ServiceDeps } from '../../src/services/change.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createEngagement } from '../support/factories.js';

// `npx amos anchors` and `npx amos verify-log --anchors FILE`: the chain alone cannot show that
// its tail was cut off or that the whole chain was rewritten; heads kept outside the database can.

const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, '../../bin/amos.js');
let database: TestDatabase;
let deps: ServiceDeps;
let dir: string;
let acmeId: string;
let betaId: string;

async function amos(...args: string[]) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('SLACK_') && !k.startsWith('AMOS_')),
  );
  const env = { ...clean, DATABASE_URL: database.url, LOG_LEVEL: 'warn' };
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function inProcess(command: typeof verifyLogCommand, ...args: string[]) {
  const out = { stdout: '', stderr: '' };
  const capture = (key: 'stdout' | 'stderr') => ({
    write(text: string, done: (error?: Error | null) => void) {
      out[key] += text;
      done();
      return true;
    },
  });
  const env = {
    DATABASE_URL: database.url,
    SLACK_SIGNING_SECRET: 'unused',
    SLACK_BOT_TOKEN: 'xoxb-unused',
    LOG_LEVEL: 'warn',
  };
  const code = await command(args, env, { stdout: capture('stdout'), stderr: capture('stderr') });
  return { code, ...out };
}

const note = (engagementId: string | null, summary: string) =>
  runChange(deps, 'T0AMOS', 'U0ADMIN', (change) =>
    change.record({ engagementId, kind: 'test.note', subjectRef: null, summary }),
  );

/** What only the table's owner can do: the append-only trigger switched off around `work`. */
async function asOwner(work: (trx: Trx) => Promise<void>): Promise<void> {
  await database.db.transaction().execute(async (trx) => {
    await sql`alter table decision_record disable trigger decision_record_no_update_delete`.execute(
      trx,
    );
    await work(trx);
    await sql`alter table decision_record enable trigger decision_record_no_update_delete`.execute(
      trx,
    );
  });
}

async function anchorFile(name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

beforeAll(async () => {
  database = await createTestDatabase();
  dir = await mkdtemp(path.join(tmpdir(), 'amos-anchors-'));
  deps = {
    db: database.db,
    clock: { now: () => new Date('2026-11-20T12:00:00Z') },
    admins: ['U0ADMIN'],
  };
  acmeId = (await createEngagement(database.db, { slug: 'acme-q3' })).id;
  betaId = (await createEngagement(database.db, { slug: 'beta' })).id;
  for (const n of [1, 2, 3, 4]) await note(acmeId, `Acme note ${n}.`);
  for (const n of [1, 2]) await note(betaId, `Beta note ${n}.`);
  await note(null, 'Granted executive to U0EXEC.');
});
afterAll(async () => {
  await database?.drop();
});

describe('npx amos anchors and verify-log --anchors', () => {
  it('prints every chain head as JSON Lines, and an intact chain that grew since reaches it', async () => {
    const printed = await amos('anchors');
    expect(printed.code).toBe(0);
    expect(printed.stderr).toContain('3 chain heads');
    const anchors = printed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const acme = await listDecisionRecords(database.db, 'T0AMOS', acmeId);
    expect(anchors.map((a) => [a.team, a.engagement, a.seq])).toEqual([
      ['T0AMOS', 'workspace', 1],
      ['T0AMOS', 'acme-q3', 4],
      ['T0AMOS', 'beta', 2],
    ]);
    expect(anchors[1]).toEqual({
      team: 'T0AMOS',
      engagement: 'acme-q3',
      engagement_id: acmeId,
      seq: 4,
      hash: acme[3]?.hash,
      at: '2026-11-20T12:00:00.000Z',
    });
    const file = await anchorFile('all.jsonl', printed.stdout);
    await note(acmeId, 'Acme note 5, after the anchor.');

    const verified = await inProcess(verifyLogCommand, '--anchors', file);
    expect(verified.code).toBe(0);
    expect(verified.stdout.trim().split('\n')).toEqual([
      'T0AMOS workspace: OK 1 record, reaches its anchored head (record 1)',
      'T0AMOS acme-q3: OK 5 records, reaches its anchored head (record 4)',
      'T0AMOS beta: OK 2 records, reaches its anchored head (record 2)',
      'All 3 chains verify.',
    ]);
    const one = await inProcess(anchorsCommand, '--engagement', 'beta');
    expect(one.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(one.stdout)).toMatchObject({ engagement: 'beta', seq: 2 });
  });

  it('detects a truncated tail and a rewritten chain that verify on their own (exit 1)', async () => {
    const anchors = await inProcess(anchorsCommand);
    const file = await anchorFile('before.jsonl', anchors.stdout);
    // The owner cuts acme-q3 back to record 3 and rewrites beta from scratch with fresh hashes.
    await asOwner(async (t) => {
      await sql`delete from decision_record where engagement_id = ${acmeId} and seq > 3`.execute(t);
      await sql`delete from decision_record where engagement_id = ${betaId}`.execute(t);
    });
    await note(betaId, 'Beta note 1, rewritten.');
    await note(betaId, 'Beta note 2, rewritten.');

    const alone = await inProcess(verifyLogCommand);
    expect(alone.code).toBe(0);
    expect(alone.stdout).toContain('All 3 chains verify.');

    const anchored = await amos('verify-log', '--anchors', file);
    expect(anchored.code).toBe(1);
    const lines = anchored.stdout.trim().split('\n');
    expect(lines).toContain(
      'T0AMOS acme-q3: BROKEN at seq 5: The chain ends at record 3, before its anchored head, record 5: records were removed.',
    );
    expect(lines.find((l) => l.startsWith('T0AMOS beta:'))).toMatch(
      /^T0AMOS beta: BROKEN at seq 2: Record 2 no longer has its anchored hash [0-9a-f]{12}…: the chain was rewritten\.$/,
    );
    expect(lines).toContain('T0AMOS workspace: OK 1 record, reaches its anchored head (record 1)');
    expect(lines.at(-1)).toContain('2 of 3 chains are BROKEN');
  });

  it('checks an anchor copied by hand (slug, seq, hash only), and reports a chain that is gone', async () => {
    const [record] = await listDecisionRecords(database.db, 'T0AMOS', acmeId, { latest: 1 });
    const handCopied = `# copied from the weekly digest\n{"team":"T0AMOS","engagement":"ACME-Q3","seq":${record?.seq},"hash":"${record?.hash}"}\n`;
    const ok = await inProcess(
      verifyLogCommand,
      '--engagement',
      'acme-q3',
      '--anchors',
      await anchorFile('digest.jsonl', handCopied),
    );
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(
      'T0AMOS acme-q3: OK 3 records, reaches its anchored head (record 3)',
    );

    const gone = await createEngagement(database.db, { slug: 'gone' });
    await note(gone.id, 'Gone note 1.');
    const before = await inProcess(anchorsCommand, '--engagement', 'gone');
    await asOwner(async (t) => {
      await sql`delete from decision_record where engagement_id = ${gone.id}`.execute(t);
    });
    const missing = await inProcess(
      verifyLogCommand,
      '--anchors',
      await anchorFile('gone.jsonl', before.stdout),
    );
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain(
      'T0AMOS gone: BROKEN at seq 1: The chain has no records, but its anchored head is record 1: the chain was removed.',
    );
  });

  it('refuses an anchors file it cannot use (exit 2), naming the lines', async () => {
    const bad = await anchorFile(
      'bad.jsonl',
      '{"team":"T0AMOS","engagement":"beta","seq":0,"hash":"abc"}\nnot json\n',
    );
    const refused = await inProcess(verifyLogCommand, '--anchors', bad);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('line 1: "seq" must be a positive whole number');
    expect(refused.stderr).toContain('line 2: not JSON');
    const absent = await inProcess(verifyLogCommand, '--anchors', path.join(dir, 'nope.jsonl'));
    expect(absent.code).toBe(2);
    expect(absent.stderr).toContain('ENOENT');
  });
});
