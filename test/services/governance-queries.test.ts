import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  governanceCounts,
  governanceOfEngagements,
  listTransitions,
} from '../../src/db/governance-repository.js';
import { governanceWaitingRows } from '../../src/db/risk-repository.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createEngagement } from '../support/factories.js';
import { escalationsReaching, risksOwnedBy } from '../support/replaced-reads.js';

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

  it('find the open escalations that reached a person through the partial GIN index', async () => {
    // 4,000 escalations, one in eight open, each reached two of 200 people; U0ME reached 5 open.
    await sql`
      insert into escalation
        (team_id, engagement_id, ref, category, severity, needed, state, level, step, level_since,
         due_at, reached_ids, raised_by, raised_at, updated_at)
      select 'T0AMOS', ${ids[0]}, 'ES-' || g, 'scope', 'low', 'n',
        case when g % 8 = 0 then 'open' else 'resolved' end, 1, 0, now(), now() + interval '1 day',
        case when g % 8 = 0 and g <= 40 then array['U0ME', 'U' || (g % 200)]
             else array['U' || (g % 200), 'U' || ((g + 7) % 200)] end,
        'U0X', now(), now()
      from generate_series(1, 4000) g`.execute(t.db);
    await sql`analyze escalation`.execute(t.db);
    const reaching = await escalationsReaching(t.db, 'T0AMOS', 'U0ME');
    expect(reaching.map((e) => e.ref).sort()).toEqual(['ES-16', 'ES-24', 'ES-32', 'ES-40', 'ES-8']);
    const plan = await sql<{ 'QUERY PLAN': string }>`
      explain select id from escalation
      where team_id = 'T0AMOS' and state = 'open' and reached_ids @> array['U0ME']::text[]`.execute(
      t.db,
    );
    expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('escalation_open_reached');
  });

  it('give App Home the escalations and risks waiting on a person in one statement, as the two reads', async () => {
    // Risks of two owners, raised out of order; one closed, one of a terminated engagement.
    const done = await createEngagement(t.db, { slug: 'gov-done', stage: 'terminated' });
    const risk = (engagementId: string, n: number, owner: string, state = 'open') =>
      sql`insert into risk (team_id, engagement_id, ref, title, category, severity, description,
          mitigation, state, owner_id, raised_by, raised_at, updated_at)
        values ('T0AMOS', ${engagementId}, ${`RK-${n}`}, ${`Risk ${n}`}, 'scope', 'high', 'd', 'm',
          ${state}, ${owner}, 'U0X', timestamptz '2026-11-20 12:00Z' + ${(n * 37) % 11} * interval '1 hour',
          now())`.execute(t.db);
    for (let n = 1; n <= 8; n += 1) await risk(ids[n % 3]!, n, n % 2 ? 'U0ME' : 'U0OTHER');
    await risk(ids[0]!, 9, 'U0ME', 'closed');
    await risk(done.id, 10, 'U0ME');
    const pick = (r: { id: string; ref: string; slug: string; severity: string }) => [
      r.id,
      r.ref,
      r.slug,
      r.severity,
    ];
    const reaching = await escalationsReaching(t.db, 'T0AMOS', 'U0ME');
    for (const [mode, expected] of [
      ['all', await risksOwnedBy(t.db, 'T0AMOS', 'U0ME', true)],
      ['own', await risksOwnedBy(t.db, 'T0AMOS', 'U0ME', false)],
      ['none', []],
    ] as const) {
      const rows = await governanceWaitingRows(t.db, 'T0AMOS', 'U0ME', mode);
      expect(rows.risks.map((r) => [...pick(r), r.title, r.state])).toEqual(
        expected.map((r) => [...pick(r), r.title, r.state]),
      );
      expect(
        rows.escalations.map((e) => [...pick(e), e.needed, e.level, e.due_at, e.raised_by]),
      ).toEqual(reaching.map((e) => [...pick(e), e.needed, e.level, e.due_at, e.raised_by]));
    }
    expect((await governanceWaitingRows(t.db, 'T0AMOS', 'U0ME', 'own')).risks).toHaveLength(4);
    expect((await governanceWaitingRows(t.db, 'T0AMOS', 'U0ME', 'all')).risks).toHaveLength(8);
    expect(reaching.length).toBe(5);
  });

  it('count the health and read the transitions with the figures, in the same statement', async () => {
    const { counts, health, transitions } = await governanceOfEngagements(
      t.db,
      'T0AMOS',
      ids,
      new Date(),
      '2026-12-01',
    );
    expect(counts).toEqual(await governanceCounts(t.db, 'T0AMOS', ids, new Date(), '2026-12-01'));
    // The same transitions, dates to the millisecond, in chain order (six per engagement).
    expect(transitions).toEqual(await listTransitions(t.db, 'T0AMOS', ids));
    expect(transitions.get(ids[2]!)).toHaveLength(6);
    // Open high risks: RK-3 and RK-6 on ids[0] (RK-9 is closed); the five open escalations.
    expect(health.get(ids[0]!)).toEqual({ openSevereRisks: 2, unacknowledgedEscalations: 500 });
    expect(health.get(ids[1]!)).toEqual({ openSevereRisks: 3, unacknowledgedEscalations: 0 });
  });
});
