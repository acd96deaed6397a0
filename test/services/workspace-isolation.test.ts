import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDecisionRecords } from '../../src/db/decision-record-repository.js';
import { runChange, type ServiceDeps } from '../../src/services/change.js';
import {
  exportEngagementLog,
  exportRecords,
  latestRecords,
  verifyLog,
} from '../../src/services/decision-log-service.js';
import {
  resolveEngagement,
  transitionEngagement,
} from '../../src/services/engagement-lifecycle-service.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createEngagement, grant } from '../support/factories.js';

// Two workspaces, each with an engagement under the SAME slug: everything a user of T0OTHER
// can reach is T0OTHER's, and T0AMOS's rows and records stay exactly as they were.

let database: TestDatabase;
let deps: ServiceDeps;
let amos: { id: string; updated_at: Date };
let other: { id: string };
const AMOS_CHANNEL = 'C0AMOSPARTNER';

const amosChain = () => listDecisionRecords(database.db, 'T0AMOS', amos.id);
const amosRow = () =>
  database.db
    .selectFrom('engagement')
    .selectAll()
    .where('id', '=', amos.id)
    .executeTakeFirstOrThrow();

beforeAll(async () => {
  database = await createTestDatabase();
  deps = { db: database.db, clock: { now: () => new Date('2026-11-21T09:00:00Z') }, admins: [] };
  await grant(database.db, 'T0AMOS', 'U0EXEC', 'executive');
  await grant(database.db, 'T0OTHER', 'U0OTHER', 'executive');
  amos = await createEngagement(database.db, {
    teamId: 'T0AMOS',
    slug: 'acme-q3',
    stage: 'active',
    partnerChannelId: AMOS_CHANNEL,
  });
  await createEngagement(database.db, { teamId: 'T0AMOS', slug: 'amos-only' });
  other = await createEngagement(database.db, {
    teamId: 'T0OTHER',
    slug: 'acme-q3',
    stage: 'active',
  });
  const note = (teamId: string, userId: string, engagementId: string | null, summary: string) =>
    runChange(deps, teamId, userId, (change) =>
      change.record({ engagementId, kind: 'test.note', subjectRef: null, summary }),
    );
  await note('T0AMOS', 'U0EXEC', amos.id, 'AMOS record 1');
  await note('T0AMOS', 'U0EXEC', amos.id, 'AMOS record 2');
  await note('T0AMOS', 'U0EXEC', null, 'AMOS workspace record');
  await note('T0OTHER', 'U0OTHER', other.id, 'OTHER record 1');
});
afterAll(async () => {
  await database?.drop();
});

describe('a workspace cannot see or act on another workspace’s engagement', () => {
  it('resolves a slug, or a channel, only to its own engagement', async () => {
    expect((await resolveEngagement(database.db, 'T0OTHER', 'acme-q3')).id).toBe(other.id);
    expect((await resolveEngagement(database.db, 'T0AMOS', 'acme-q3')).id).toBe(amos.id);
    await expect(resolveEngagement(database.db, 'T0OTHER', 'amos-only')).rejects.toMatchObject({
      refusal: { code: 'not_found' },
    });
    await expect(
      resolveEngagement(database.db, 'T0OTHER', undefined, AMOS_CHANNEL),
    ).rejects.toMatchObject({ refusal: { code: 'not_found' } });
  });

  it('cannot transition the other workspace’s engagement by its id, and changes nothing there', async () => {
    const chainBefore = await amosChain();
    const rowBefore = await amosRow();
    await expect(
      transitionEngagement(deps, {
        teamId: 'T0OTHER',
        userId: 'U0OTHER',
        engagementId: amos.id,
        action: 'pause',
        reason: 'Reaching across workspaces',
      }),
    ).rejects.toMatchObject({ refusal: { code: 'not_found' } });
    expect(await amosRow()).toEqual(rowBefore);
    expect(await amosChain()).toEqual(chainBefore);

    // Its own engagement with the same slug can be paused, and only that one changes.
    const paused = await transitionEngagement(deps, {
      teamId: 'T0OTHER',
      userId: 'U0OTHER',
      engagementId: other.id,
      action: 'pause',
      reason: 'QA breach',
    });
    expect(paused.engagement.id).toBe(other.id);
    expect(paused.record).toMatchObject({ teamId: 'T0OTHER', engagementId: other.id, seq: 2 });
    expect((await amosRow()).stage).toBe('active');
    expect(await amosChain()).toEqual(chainBefore);
  });

  it('cannot read or export the other workspace’s records, only its own', async () => {
    const request = { teamId: 'T0OTHER', userId: 'U0OTHER', engagementId: amos.id };
    await expect(latestRecords(deps, { ...request, limit: 15 })).rejects.toMatchObject({
      refusal: { code: 'not_found' },
    });
    await expect(exportRecords(deps, { ...request, format: 'jsonl' })).rejects.toMatchObject({
      refusal: { code: 'not_found' },
    });
    // An executive of T0AMOS acting in T0OTHER has no role there.
    await expect(
      latestRecords(deps, {
        teamId: 'T0OTHER',
        userId: 'U0EXEC',
        engagementId: other.id,
        limit: 15,
      }),
    ).rejects.toMatchObject({ refusal: { code: 'no_role' } });

    const own = await latestRecords(deps, { ...request, engagementId: other.id, limit: 15 });
    expect(own.records.map((r) => [r.teamId, r.summary])).toEqual([
      ['T0OTHER', 'OTHER record 1'],
      ['T0OTHER', 'Paused: QA breach'],
    ]);
    const workspace = await latestRecords(deps, { ...request, engagementId: null, limit: 15 });
    expect(workspace.records).toEqual([]);
    const file = await exportRecords(deps, { ...request, engagementId: other.id, format: 'csv' });
    expect(file.content).toContain('OTHER record 1');
    expect(file.content).not.toContain('AMOS record');
  });

  it('verifies and exports per workspace from the command line, and T0AMOS’s chain is intact', async () => {
    const otherChecks = await verifyLog(database.db, { teamId: 'T0OTHER' });
    expect(otherChecks.map((c) => [c.teamId, c.engagement, c.count, c.verification.ok])).toEqual([
      ['T0OTHER', 'acme-q3', 2, true],
    ]);
    const amosChecks = await verifyLog(database.db, { teamId: 'T0AMOS' });
    expect(amosChecks.map((c) => [c.teamId, c.engagement, c.count, c.verification.ok])).toEqual([
      ['T0AMOS', 'workspace', 1, true],
      ['T0AMOS', 'acme-q3', 2, true],
    ]);
    const bySlug = await verifyLog(database.db, { engagementSlug: 'acme-q3' });
    expect(bySlug.map((c) => c.teamId)).toEqual(['T0AMOS', 'T0OTHER']);

    const exported = await exportEngagementLog(database.db, {
      engagementSlug: 'acme-q3',
      teamId: 'T0AMOS',
      format: 'jsonl',
    });
    expect(
      exported.content
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).summary),
    ).toEqual(['AMOS record 1', 'AMOS record 2']);
    await expect(
      exportEngagementLog(database.db, { engagementSlug: 'acme-q3', format: 'jsonl' }),
    ).rejects.toMatchObject({ refusal: { code: 'invalid_input' } });
    expect((await amosChain()).map((r) => r.summary)).toEqual(['AMOS record 1', 'AMOS record 2']);
  });
});
