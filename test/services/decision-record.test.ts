import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDecisionRecords } from '../../src/db/decision-record-repository.js';
import { verifyChain } from '../../src/domain/decision-record.js';
import { runChange, type ServiceDeps } from '../../src/services/change.js';
import {
  exportRecords,
  latestRecords,
  verifyLog,
} from '../../src/services/decision-log-service.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createEngagement, createPartnerOrg, grant } from '../support/factories.js';

const TEAM = 'T0AMOS';
let database: TestDatabase;
let deps: ServiceDeps;
let engagementId: string;

const summaries = async () =>
  (await database.db.selectFrom('decision_record').select('summary').orderBy('id').execute()).map(
    (r) => r.summary,
  );

function record(summary: string, id: string | null = engagementId) {
  return runChange(deps, TEAM, 'U0ADMIN', (change) =>
    change.record({ engagementId: id, kind: 'test.note', subjectRef: null, summary }),
  );
}

beforeAll(async () => {
  database = await createTestDatabase();
  deps = {
    db: database.db,
    clock: { now: () => new Date('2026-11-20T12:00:00Z') },
    admins: ['U0ADMIN'],
  };
  engagementId = (await createEngagement(database.db, { slug: 'acme-q3' })).id;
  await record('first');
  await record('second');
});
afterAll(async () => {
  await database?.drop();
});

describe('the decision record table is append-only in the database itself', () => {
  it('refuses a raw UPDATE with the trigger error and keeps the row', async () => {
    await expect(
      sql`update decision_record set summary = 'rewritten'`.execute(database.db),
    ).rejects.toThrow('decision_record is append-only: UPDATE is not allowed');
    expect(await summaries()).toEqual(['first', 'second']);
  });

  it('refuses a raw DELETE', async () => {
    await expect(
      sql`delete from decision_record where summary = 'first'`.execute(database.db),
    ).rejects.toThrow('decision_record is append-only: DELETE is not allowed');
    expect(await summaries()).toEqual(['first', 'second']);
  });

  it('refuses TRUNCATE', async () => {
    await expect(sql`truncate decision_record`.execute(database.db)).rejects.toThrow(
      'decision_record is append-only: TRUNCATE is not allowed',
    );
    expect(await summaries()).toEqual(['first', 'second']);
  });
});

describe('appending', () => {
  it('serialises concurrent appends to one chain: seq 1..10 and a chain that verifies', async () => {
    const other = await createEngagement(database.db, { slug: 'busy' });
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => record(`concurrent ${i + 1}`, other.id)),
    );
    const chain = await listDecisionRecords(database.db, TEAM, other.id);
    expect(chain.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(new Set(chain.map((r) => r.summary)).size).toBe(10);
    expect(verifyChain(chain)).toEqual({ ok: true, count: 10 });
  });

  it('writes no record when the change it belongs to fails', async () => {
    const other = await createEngagement(database.db, { slug: 'rolled-back' });
    await expect(
      runChange(deps, TEAM, 'U0ADMIN', async (change) => {
        await change.record({
          engagementId: other.id,
          kind: 'test.note',
          subjectRef: null,
          summary: 'lost',
        });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await listDecisionRecords(database.db, TEAM, other.id)).toEqual([]);
    await record('kept', other.id);
    expect((await listDecisionRecords(database.db, TEAM, other.id)).map((r) => r.seq)).toEqual([1]);
  });
});

describe('reading the record', () => {
  it('gives the latest records oldest first, with the length of the chain', async () => {
    const other = await createEngagement(database.db, { slug: 'long' });
    for (let i = 1; i <= 20; i++) await record(`note ${i}`, other.id);
    await grant(database.db, TEAM, 'U0OPER', 'operator');
    const log = await latestRecords(deps, {
      teamId: TEAM,
      userId: 'U0OPER',
      engagementId: other.id,
      limit: 15,
    });
    expect(log.engagement).toBe('long');
    expect(log.total).toBe(20);
    expect(log.records.map((r) => r.seq)).toEqual(Array.from({ length: 15 }, (_, i) => i + 6));
  });

  it('refuses a partner and a user with no role; an operator may view but not export', async () => {
    await createPartnerOrg(database.db, { members: ['U0PARTNER'] });
    const read = (userId: string) =>
      latestRecords(deps, { teamId: TEAM, userId, engagementId, limit: 15 });
    await expect(read('U0PARTNER')).rejects.toMatchObject({ refusal: { code: 'forbidden_role' } });
    await expect(read('U0NOBODY')).rejects.toMatchObject({ refusal: { code: 'no_role' } });
    await expect(
      exportRecords(deps, { teamId: TEAM, userId: 'U0OPER', engagementId, format: 'csv' }),
    ).rejects.toMatchObject({ refusal: { code: 'forbidden_role' } });
  });

  it('exports a whole chain for an executive', async () => {
    await grant(database.db, TEAM, 'U0EXEC', 'executive');
    const file = await exportRecords(deps, {
      teamId: TEAM,
      userId: 'U0EXEC',
      engagementId,
      format: 'jsonl',
    });
    expect(file.filename).toBe('acme-q3-decision-record.jsonl');
    expect(file.count).toBe(2);
    expect(
      file.content
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).summary),
    ).toEqual(['first', 'second']);
  });

  it('verifies every chain of the database', async () => {
    const checks = await verifyLog(database.db);
    expect(checks.every((c) => c.verification.ok)).toBe(true);
    expect(checks.find((c) => c.engagement === 'acme-q3')).toMatchObject({
      teamId: TEAM,
      count: 2,
    });
    expect(checks.find((c) => c.engagement === 'busy')).toMatchObject({ count: 10 });
  });
});
