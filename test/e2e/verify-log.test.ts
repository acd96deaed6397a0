import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCommand, verifyLogCommand } from '../../src/cli/decision-log-commands.js';
import { listDecisionRecords } from '../../src/db/decision-record-repository.js';
import { EXPORT_COLUMNS } from '../../src/domain/decision-record-format.js';
import { runChange, type ServiceDeps } from '../../src/services/change.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createEngagement } from '../support/factories.js';

// `npx amos verify-log` and `npx amos export` as an operator runs them: a subprocess with only
// DATABASE_URL set (no Slack settings), against a chain written the way the app writes it.

const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, '../../bin/amos.js');
let database: TestDatabase;

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

/** Runs a command function of the CLI in this process, capturing what it writes. */
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

const SUMMARIES = [
  'Engagement ACME-Q3 created.',
  'Diagnostic DX-1 (v1) submitted for output review.',
  'Scope agreed, with "two" items',
  'Outputs of DX-1 reviewed.',
];
let acmeId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const deps: ServiceDeps = {
    db: database.db,
    clock: { now: () => new Date('2026-11-20T12:00:00Z') },
    admins: ['U0ADMIN'],
  };
  acmeId = (await createEngagement(database.db, { slug: 'acme-q3' })).id;
  const beta = await createEngagement(database.db, { slug: 'beta' });
  const note = (engagementId: string | null, summary: string, subjectRef: string | null = null) =>
    runChange(deps, 'T0AMOS', 'U0ADMIN', (change) =>
      change.record({ engagementId, kind: 'test.note', subjectRef, summary, details: { n: 1 } }),
    );
  for (const [i, summary] of SUMMARIES.entries()) await note(acmeId, summary, `SC-${i + 1}`);
  await note(beta.id, 'Engagement BETA created.');
  await note(null, 'Granted executive to U0EXEC.');
});
afterAll(async () => {
  await database?.drop();
});

describe('npx amos verify-log and export', () => {
  it('verifies intact chains (exit 0) and exports them as JSON Lines and CSV', async () => {
    // Two subprocesses prove the wiring of `npx amos`; JSON Lines runs in-process (same code).
    const [verify, csv] = await Promise.all([
      amos('verify-log'),
      amos('export', '--engagement', 'ACME-Q3', '--format', 'csv'),
    ]);
    const jsonl = await inProcess(exportCommand, '--engagement', 'acme-q3', '--format', 'jsonl');
    expect(verify.code).toBe(0);
    expect(verify.stdout.trim().split('\n')).toEqual([
      'T0AMOS workspace: OK 1 record',
      'T0AMOS acme-q3: OK 4 records',
      'T0AMOS beta: OK 1 record',
      'All 3 chains verify.',
    ]);

    const stored = await listDecisionRecords(database.db, 'T0AMOS', acmeId);
    expect(jsonl.code).toBe(0);
    expect(jsonl.stderr).toContain('Exported 4 records of acme-q3 as jsonl.');
    const rows = jsonl.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rows.map((r) => [r.engagement, r.seq, r.summary, r.subject_ref])).toEqual(
      SUMMARIES.map((s, i) => ['acme-q3', i + 1, s, `SC-${i + 1}`]),
    );
    expect(rows.map((r) => r.hash)).toEqual(stored.map((r) => r.hash));
    expect(rows[0]).toMatchObject({
      at: '2026-11-20T12:00:00.000Z',
      actor_id: 'U0ADMIN',
      actor_role: 'admin',
      kind: 'test.note',
      details: { n: 1 },
    });

    expect(csv.code).toBe(0);
    const lines = csv.stdout.split('\r\n');
    expect(lines[0]).toBe(EXPORT_COLUMNS.join(','));
    expect(lines).toHaveLength(6); // header, 4 records, empty after the last CRLF
    expect(lines[3]).toBe(
      `acme-q3,3,2026-11-20T12:00:00.000Z,U0ADMIN,admin,test.note,SC-3,"Scope agreed, with ""two"" items","{""n"":1}",${stored[2]?.prevHash},${stored[2]?.hash}`,
    );
  });

  it('finds a record tampered with by the table owner and names it (exit 1)', async () => {
    await database.db.transaction().execute(async (trx) => {
      await sql`alter table decision_record disable trigger decision_record_no_update_delete`.execute(
        trx,
      );
      await sql`update decision_record set summary = 'Outputs were never reviewed.'
                where engagement_id = ${acmeId} and seq = 2`.execute(trx);
      await sql`alter table decision_record enable trigger decision_record_no_update_delete`.execute(
        trx,
      );
    });
    const all = await amos('verify-log');
    expect(all.code).toBe(1);
    expect(all.stdout).toContain(
      'T0AMOS acme-q3: BROKEN at seq 2: Record 2 was altered: its content no longer matches its hash.',
    );
    expect(all.stdout).toContain('T0AMOS beta: OK 1 record');
    expect(all.stdout).toContain('1 of 3 chains is BROKEN');
    const beta = await inProcess(verifyLogCommand, '--engagement', 'beta');
    expect(beta.code).toBe(0);
    expect(beta.stdout.trim().split('\n')).toEqual([
      'T0AMOS beta: OK 1 record',
      'All 1 chain verify.',
    ]);
    const acme = await inProcess(verifyLogCommand, '--engagement', 'acme-q3', '--team', 'T0AMOS');
    expect(acme.code).toBe(1);
    expect(acme.stdout).toContain('T0AMOS acme-q3: BROKEN at seq 2');
    // The trigger is back on: the record cannot be put back quietly either.
    await expect(
      sql`update decision_record set summary = 'x'`.execute(database.db),
    ).rejects.toThrow('append-only');
  });

  // The command functions themselves (what the subprocess runs), in-process to keep this file fast.
  it('refuses a slug found in several workspaces unless --team picks one, and an unknown slug', async () => {
    await createEngagement(database.db, { teamId: 'T0OTHER', slug: 'acme-q3' });
    const ambiguous = await inProcess(exportCommand, '--engagement', 'acme-q3', '--format', 'csv');
    const picked = await inProcess(exportCommand, '--engagement', 'acme-q3', '--team', 'T0OTHER');
    const unknown = await inProcess(exportCommand, '--engagement', 'nope', '--format', 'csv');
    const noSlug = await inProcess(exportCommand, '--format', 'xml');
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stdout).toBe('');
    expect(ambiguous.stderr).toContain(
      'acme-q3 exists in 2 workspaces: add --team with one of T0AMOS, T0OTHER.',
    );
    expect(picked.code).toBe(0);
    expect(picked.stdout).toBe('');
    expect(picked.stderr).toContain('Exported 0 records of acme-q3');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('There is no engagement nope.');
    expect(noSlug.code).toBe(2);
    expect(noSlug.stderr).toContain('export needs --engagement SLUG.');
  });
});
