import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createEngagement } from '../support/factories.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('a Diagnostic frozen by Output Review', () => {
  it('can be frozen once, and the database then refuses to change or delete it', async () => {
    const { db } = database;
    const engagement = await createEngagement(db, {
      stage: 'diagnostic_submitted',
      diagnostic: true,
    });
    const row = () =>
      db
        .selectFrom('diagnostic')
        .selectAll()
        .where('engagement_id', '=', engagement.id)
        .executeTakeFirstOrThrow();

    // Before review it may still be edited in place (the app writes new versions instead).
    await sql`update diagnostic set findings = 'Edited before review' where engagement_id = ${engagement.id}`.execute(
      db,
    );
    await sql`update diagnostic set frozen_at = now() where engagement_id = ${engagement.id}`.execute(
      db,
    );
    const frozen = await row();
    expect(frozen.frozen_at).toBeInstanceOf(Date);

    await expect(
      sql`update diagnostic set findings = 'Rewritten after review' where engagement_id = ${engagement.id}`.execute(
        db,
      ),
    ).rejects.toThrow(/frozen by Output Review: UPDATE is not allowed/);
    await expect(
      sql`update diagnostic set frozen_at = null where engagement_id = ${engagement.id}`.execute(
        db,
      ),
    ).rejects.toThrow(/frozen by Output Review/);
    await expect(
      sql`delete from diagnostic where engagement_id = ${engagement.id}`.execute(db),
    ).rejects.toThrow(/frozen by Output Review: DELETE is not allowed/);
    expect(await row()).toEqual(frozen);
  });
});
