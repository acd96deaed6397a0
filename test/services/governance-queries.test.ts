import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { governanceCounts, listTransitions } from '../../src/db/governance-repository.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createEngagement } from '../support/factories.js';

// App Home's governance figures read a fixed number of statements for any number of engagements;
// the transitions read goes through the partial index of lifecycle records, not the whole chain.

let t: TestDatabase;
const ids: string[] = [];
beforeAll(async () => {
  t = await createTestDatabase();
  for (let i = 0; i < 3; i += 1) {
    ids.push((await createEngagement(t.db, { slug: `gov-${i}`, stage: 'active' })).id);
  }
  // Many records per engagement, a few of them transitions (the chain hashes are not needed here).
  for (const [n, id] of ids.entries()) {
    await sql`
      insert into decision_record
        (team_id, engagement_id, chain_key, seq, at, actor_id, actor_role, kind, subject_ref,
         summary, details, prev_hash, hash)
      select 'T0AMOS', ${id}, ${`T0AMOS:${id}`}, g, timestamptz '2026-11-20 12:00Z' + g * interval '1 minute',
        'U0X', 'operator',
        case when g % 500 = 0 then 'engagement.paused' else 'boundary.partner_message' end,
        null, 's',
        case when g % 500 = 0 then '{"from":"active","to":"paused"}'::jsonb else '{}'::jsonb end,
        '', ${`h${n}`} || g
      from generate_series(1, 3000) g`.execute(t.db);
  }
  await sql`analyze decision_record`.execute(t.db);
});
afterAll(async () => {
  await t?.drop();
});

describe('governance queries', () => {
  it('read only the transition records, through the partial index', async () => {
    const transitions = await listTransitions(t.db, 'T0AMOS', ids);
    expect(transitions.get(ids[0]!)).toHaveLength(6);
    const compiled = t.db
      .selectFrom('decision_record')
      .select(['engagement_id', 'at'])
      .where('team_id', '=', 'T0AMOS')
      .where('engagement_id', 'in', ids)
      .where(sql<boolean>`kind like 'engagement.%'`)
      .where(sql<boolean>`details ? 'to'`)
      .orderBy('engagement_id')
      .orderBy('seq')
      .compile();
    const plan = await t.db.executeQuery<{ 'QUERY PLAN': string }>(
      CompiledQuery.raw(`explain ${compiled.sql}`, [...compiled.parameters]),
    );
    expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain(
      'decision_record_transition',
    );
  });

  it('count every engagement in one statement', async () => {
    const counts = await governanceCounts(t.db, 'T0AMOS', ids, new Date(), '2026-12-01');
    expect([...counts.keys()].sort()).toEqual([...ids].sort());
    expect(counts.get(ids[0]!)).toMatchObject({ changesApproved: 0, deliverablesReturned: 0 });
  });
});
