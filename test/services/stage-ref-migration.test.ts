import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextRef } from '../../src/db/engagement-repository.js';
import { resolveItemRef } from '../../src/db/governed-delivery-repository.js';
import { migrateTo, migrateToLatest } from '../../src/db/migrate.js';
import { verifyLog } from '../../src/services/decision-log-service.js';
import { findCheckpoint } from '../../src/services/stage-review-service.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

// Data written before migration 20261201150000 (checkpoints numbered SR-n, a record naming
// SR-2), then the migration: checkpoints are ST-n, the old SR-n still resolve, the record
// still verifies, and stage reviews continue after the old numbers so no ref is reused.

const TEAM = 'T0LEGACY';
let t: TestDatabase;
let engagementId: string;

beforeAll(async () => {
  t = await createTestDatabase({ migrate: false });
  await migrateTo(t.db, '20261201110000_installation_key_fingerprint');
  await t.db
    .insertInto('workspace')
    .values({ team_id: TEAM, team_name: 'Legacy' } as never)
    .execute();
  const now = new Date('2026-11-20T12:00:00Z');
  const e = await t.db
    .insertInto('engagement')
    .values({
      team_id: TEAM,
      slug: 'legacy-q3',
      name: 'Legacy',
      client: 'Acme',
      stage: 'active',
      operator_id: 'U0OPER',
      ref_counters: JSON.stringify({ SC: 1, SR: 2 }),
      created_by: 'U0OPER',
      created_at: now,
      updated_at: now,
    } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  engagementId = e.id;
  for (const [ref, name, due] of [
    ['SR-1', 'Kickoff', '2026-12-01'],
    ['SR-2', 'Launch', '2026-12-20'],
  ]) {
    await t.db
      .insertInto('stage_checkpoint')
      .values({
        team_id: TEAM,
        engagement_id: engagementId,
        ref,
        name,
        due_date: due,
        author_id: 'U0OPER',
        created_at: now,
      } as never)
      .execute();
  }
  const { appendDecisionRecord } = await import('../../src/db/decision-record-repository.js');
  await t.db.transaction().execute((trx) =>
    appendDecisionRecord(trx, {
      teamId: TEAM,
      engagementId,
      at: now,
      actorId: 'U0OPER',
      actorRole: 'operator',
      kind: 'scope.stage_added',
      subjectRef: 'SR-2',
      summary: 'Stage checkpoint SR-2 added: Launch on 2026-12-20.',
      details: { ref: 'SR-2' },
    }),
  );
  await migrateToLatest(t.db);
});
afterAll(async () => {
  await t?.drop();
});

describe('stage checkpoint refs after migration 20261201150000', () => {
  it('checkpoints are ST-n and keep their old SR-n', async () => {
    const rows = await t.db
      .selectFrom('stage_checkpoint')
      .select(['ref', 'legacy_ref', 'name'])
      .orderBy('ref')
      .execute();
    expect(rows).toEqual([
      { ref: 'ST-1', legacy_ref: 'SR-1', name: 'Kickoff' },
      { ref: 'ST-2', legacy_ref: 'SR-2', name: 'Launch' },
    ]);
  });

  it('old SR-n references resolve to their checkpoint', async () => {
    expect(await resolveItemRef(t.db, TEAM, engagementId, 'SR-2')).toEqual({
      ref: 'ST-2',
      aliasOf: 'ST-2',
    });
    expect(await resolveItemRef(t.db, TEAM, engagementId, 'ST-1')).toEqual({
      ref: 'ST-1',
      aliasOf: null,
    });
    const engagement = await t.db
      .selectFrom('engagement')
      .selectAll()
      .where('id', '=', engagementId)
      .executeTakeFirstOrThrow();
    const found = await findCheckpoint(t.db, TEAM, engagement, 'sr-1');
    expect(found.checkpoint.ref).toBe('ST-1');
    expect(found.checkpoint.name).toBe('Kickoff');
  });

  it('new refs never reuse an old one, and the record made before still verifies', async () => {
    const refs = await t.db.transaction().execute(async (trx) => {
      const engagement = await trx
        .selectFrom('engagement')
        .selectAll()
        .where('id', '=', engagementId)
        .executeTakeFirstOrThrow();
      return [await nextRef(trx, engagement, 'SR'), await nextRef(trx, engagement, 'ST')];
    });
    expect(refs).toEqual(['SR-3', 'ST-3']);
    const aliases = await t.db
      .selectFrom('item_ref')
      .select(['ref', 'alias_of'])
      .where('alias_of', 'is not', null)
      .orderBy('ref')
      .execute();
    expect(aliases).toEqual([
      { ref: 'SR-1', alias_of: 'ST-1' },
      { ref: 'SR-2', alias_of: 'ST-2' },
    ]);
    await expect(
      t.db
        .insertInto('item_ref')
        .values({
          team_id: TEAM,
          engagement_id: engagementId,
          ref: 'SR-2',
          kind: 'SR',
          alias_of: null,
        })
        .execute(),
    ).rejects.toThrow(/duplicate key/);
    const [chain] = await verifyLog(t.db, { teamId: TEAM, engagementSlug: 'legacy-q3' });
    expect(chain?.verification.ok).toBe(true);
    expect(chain?.count).toBe(1);
  });
});
