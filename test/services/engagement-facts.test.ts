import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, Trx } from '../../src/db/database.js';
import {
  type EngagementRow,
  findEngagementBySlug,
  loadEngagementFacts,
  loadStatusFacts,
} from '../../src/db/engagement-repository.js';
import { latestFitAssessment } from '../../src/db/fit-repository.js';
import { overviewOf } from '../../src/db/governed-delivery-repository.js';
import { listPartnerMemberIds } from '../../src/db/partner-member-repository.js';
import type { Database } from '../../src/db/tables.js';
import type { EngagementFacts } from '../../src/domain/engagement.js';
import { engagementStatus } from '../../src/services/engagement-status-service.js';
import { addScopeItem } from '../../src/services/scope-service.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createEngagement, createPartnerOrg, grant } from '../support/factories.js';
import { deliveryOverview, listOpenItems } from '../support/replaced-reads.js';

// The engagement facts (lifecycle rules, `/amos status`, scope, activation) are one statement
// where they were five or six, and `/amos status <slug>` reads one statement beyond the actor
// and the engagement. The results must be those of the separate reads they replaced: the old
// loader is kept below, verbatim, as the reference, and compared on a rich engagement (every
// table filled, rows out of order, ties on the requirements request, a second fit assessment
// and diagnostic version) and on an empty one.

const TEAM = 'T0AMOS';

let t: TestDatabase;
let traced: Db;
let statements: string[] = [];
let rich: EngagementRow;
let empty: EngagementRow;

const at = (day: number, minute = 0) => new Date(Date.UTC(2026, 10, day, 9, minute));

async function approval(
  e: EngagementRow,
  ref: string,
  o: {
    subject?: string;
    status?: string;
    requestedAt: Date;
    votes?: unknown[];
    requesters?: string[];
  },
) {
  const row = await t.db
    .insertInto('approval_request')
    .values({
      team_id: TEAM,
      engagement_id: e.id,
      ref,
      subject: o.subject ?? 'execution_requirements',
      required_approvals: 2,
      requester_ids: o.requesters ?? ['U0OPER'],
      requested_by: 'U0OPER',
      requested_at: o.requestedAt,
      votes: JSON.stringify(o.votes ?? []),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (o.status) {
    await sql`update approval_request set status = ${o.status} where id = ${row.id}`.execute(t.db);
  }
  return row.id;
}

beforeAll(async () => {
  t = await createTestDatabase();
  await grant(t.db, TEAM, 'U0EXEC', 'executive');
  await grant(t.db, TEAM, 'U0PART1', 'partner');
  const org = await createPartnerOrg(t.db, {
    name: 'Agency <b>&',
    members: ['U0PART2', 'U0PART1'],
    verdict: 'fit',
  });
  await t.db
    .insertInto('fit_assessment')
    .values({
      team_id: TEAM,
      partner_org_id: org.id,
      version: 2,
      answers: JSON.stringify({}),
      verdict: 'needs_conversation',
      summary: 'second look',
      assessed_by: 'U0SETUP',
      assessed_at: at(2),
    })
    .execute();
  rich = await createEngagement(t.db, {
    slug: 'rich',
    stage: 'active',
    diagnostic: true,
    partnerOrgId: org.id,
    partnerChannelId: 'C0PARTNER',
    sponsorIds: ['U0EXEC', 'U0EXEC2'],
    scopeItems: [],
    stages: [],
  });
  empty = await createEngagement(t.db, { slug: 'empty' });
  await t.db
    .insertInto('diagnostic')
    .values({
      team_id: TEAM,
      engagement_id: rich.id,
      ref: 'DX-1',
      version: 2,
      priorities: JSON.stringify(['Retention']),
      scores: JSON.stringify({ retention: 50 }),
      findings: 'Second version.',
      recommended_scope: 'More',
      author_id: 'U0OPER2',
      submitted_at: at(3),
      frozen_at: null,
    })
    .execute();
  // Scope items and checkpoints inserted out of creation order, one without a due date,
  // criteria with quotes and markup, by two authors.
  const items = [
    {
      ref: 'SC-2',
      title: 'Second "item"',
      due: null,
      criteria: ['<b>bold</b>', 'a & b'],
      author: 'U0OPER2',
      at: at(5),
    },
    {
      ref: 'SC-1',
      title: 'First item',
      due: '2026-12-15',
      criteria: ['Open rate above 35%'],
      author: 'U0OPER',
      at: at(4),
    },
    { ref: 'SC-3', title: 'Third', due: '2027-01-31', criteria: [], author: 'U0OPER', at: at(6) },
  ];
  for (const i of items) {
    await t.db
      .insertInto('scope_item')
      .values({
        team_id: TEAM,
        engagement_id: rich.id,
        ref: i.ref,
        title: i.title,
        due_date: i.due,
        criteria: JSON.stringify(i.criteria),
        author_id: i.author,
        created_at: i.at,
      })
      .execute();
  }
  const checkpoints = [
    { ref: 'ST-2', name: 'Launch', due: '2026-12-01', at: at(5) },
    { ref: 'ST-1', name: 'Kick-off', due: '2026-12-20', at: at(4) },
    { ref: 'ST-3', name: 'Wrap-up', due: null, at: at(6) },
  ];
  for (const c of checkpoints) {
    await t.db
      .insertInto('stage_checkpoint')
      .values({
        team_id: TEAM,
        engagement_id: rich.id,
        ref: c.ref,
        name: c.name,
        due_date: c.due,
        author_id: 'U0OPER3',
        created_at: c.at,
      })
      .execute();
  }
  // Requirements: an older withdrawn EX-1, then EX-9 and EX-10 at the same instant (the higher
  // number is the latest), and a newer change-request approval (another subject).
  await approval(rich, 'EX-1', { status: 'withdrawn', requestedAt: at(7) });
  await approval(rich, 'EX-9', { status: 'rejected', requestedAt: at(8) });
  await approval(rich, 'EX-10', {
    requestedAt: at(8),
    requesters: ['U0OPER', 'U0REQ'],
    votes: [{ userId: 'U0EXEC', decision: 'approve', at: '2026-11-08T10:00:00.000Z' }],
  });
  const crPending = await approval(rich, 'EX-11', {
    subject: 'change_request',
    requestedAt: at(9),
  });
  const crDone = await approval(rich, 'EX-12', {
    subject: 'change_request',
    status: 'approved',
    requestedAt: at(9, 5),
  });
  const crValues = (ref: string, approvalId: string, raisedAt: Date) => ({
    team_id: TEAM,
    engagement_id: rich.id,
    ref,
    type: 'timeline' as const,
    description: `Move ${ref} <later>`,
    impact: 'Two weeks',
    rationale: 'Vendor',
    amendment: JSON.stringify({ add: [], amend: [] }),
    approval_request_id: approvalId,
    raised_by: 'U0OPER',
    raised_at: raisedAt,
  });
  await t.db
    .insertInto('change_request')
    .values(crValues('CR-2', crDone, at(9, 5)))
    .execute();
  await t.db
    .insertInto('change_request')
    .values(crValues('CR-1', crPending, at(9)))
    .execute();
  for (const [ref, scopeRef, status, day] of [
    ['DL-2', 'SC-1', 'waiting', 11],
    ['DL-1', 'SC-2', 'accepted', 10],
    ['DL-3', 'SC-3', 'waiting', 10],
  ] as const) {
    await t.db
      .insertInto('deliverable')
      .values({
        team_id: TEAM,
        engagement_id: rich.id,
        ref,
        scope_ref: scopeRef,
        status,
        version: day - 9,
        created_at: at(day),
        updated_at: at(day),
      })
      .execute();
  }
  // ST-2 (due first) passed; ST-1 reviewed twice, the latest still pending.
  for (const [ref, checkpoint, status, day] of [
    ['SR-2', 'ST-1', 'rejected', 13],
    ['SR-1', 'ST-2', 'approved', 12],
    ['SR-3', 'ST-1', 'pending', 14],
  ] as const) {
    const approvalId = await approval(rich, `EX-${20 + day}`, {
      subject: 'stage_review',
      ...(status === 'pending' ? {} : { status }),
      requestedAt: at(day),
    });
    await t.db
      .insertInto('stage_review')
      .values({
        team_id: TEAM,
        engagement_id: rich.id,
        ref,
        checkpoint_ref: checkpoint,
        outcome: `Outcome ${ref}`,
        approval_request_id: approvalId,
        submitted_by: 'U0PART1',
        submitted_at: at(day),
      })
      .execute();
  }
  for (const [ref, state, raisedBy, day] of [
    ['RK-2', 'open', 'U0PART2', 16],
    ['RK-1', 'acknowledged', 'U0OPER', 15],
    ['RK-3', 'closed', 'U0OPER', 14],
  ] as const) {
    await t.db
      .insertInto('risk')
      .values({
        team_id: TEAM,
        engagement_id: rich.id,
        ref,
        title: `Risk ${ref} "quoted"`,
        category: 'timeline',
        severity: 'high',
        description: 'd',
        mitigation: 'm',
        state,
        owner_id: 'U0OPER',
        raised_by: raisedBy,
        raised_at: at(day),
        updated_at: at(day),
      })
      .execute();
  }
  for (const [ref, state, raisedBy, day] of [
    ['ES-2', 'open', 'U0OPER', 18],
    ['ES-1', 'acknowledged', 'U0PART1', 17],
    ['ES-3', 'resolved', 'U0PART1', 16],
  ] as const) {
    await t.db
      .insertInto('escalation')
      .values({
        team_id: TEAM,
        engagement_id: rich.id,
        ref,
        category: 'timeline',
        severity: 'critical',
        needed: 'A decision',
        state,
        level: day - 15,
        level_since: at(day),
        due_at: at(day + 1),
        reached_ids: ['U0EXEC'],
        raised_by: raisedBy,
        raised_at: at(day),
        updated_at: at(day),
      })
      .execute();
  }
  rich = (await findEngagementBySlug(t.db, TEAM, 'rich')) as EngagementRow;
  traced = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: t.url, max: 5 }) }),
    log: (event) => {
      if (event.level === 'query') statements.push(event.query.sql);
    },
  });
});

afterAll(async () => {
  await traced?.destroy();
  await t?.drop();
});

describe('the engagement facts in one statement', () => {
  it('are those of the separate reads, on a rich engagement and on an empty one', async () => {
    for (const e of [rich, empty]) {
      statements = [];
      const facts = await loadEngagementFacts(traced, e);
      expect(statements).toHaveLength(1);
      expect(facts).toStrictEqual(await oldEngagementFacts(t.db, e));
    }
    const facts = await loadEngagementFacts(t.db, rich);
    // What makes the comparison worth having: every part filled, in the order the rules use.
    expect(facts.scopeItems.map((s) => s.ref)).toEqual(['SC-1', 'SC-2', 'SC-3']);
    expect(facts.scopeItems[1]).toStrictEqual({
      ref: 'SC-2',
      title: 'Second "item"',
      criteria: ['<b>bold</b>', 'a & b'],
    });
    expect(facts.stages.map((s) => [s.ref, s.dueDate])).toEqual([
      ['ST-1', '2026-12-20'],
      ['ST-2', '2026-12-01'],
      ['ST-3', undefined],
    ]);
    expect(facts.requirements).toStrictEqual({
      ref: 'EX-10',
      status: 'pending',
      voterIds: ['U0EXEC'],
      authorIds: ['U0OPER', 'U0OPER2', 'U0OPER3', 'U0REQ'],
    });
    expect(facts.diagnostic).toStrictEqual({ ref: 'DX-1', authorId: 'U0OPER2', version: 2 });
    expect(facts.partnerOrg?.latestVerdict).toBe('needs_conversation');
    expect(facts.partnerChannelId).toBe('C0PARTNER');
  });

  it('read the same inside a transaction', async () => {
    await t.db.transaction().execute(async (trx) => {
      expect(await loadEngagementFacts(trx, rich)).toStrictEqual(
        await oldEngagementFacts(trx, rich),
      );
    });
  });

  it('give `/amos status` the delivery, partner members and open items the separate reads gave', async () => {
    for (const e of [rich, empty]) {
      statements = [];
      const { facts, extras } = await loadStatusFacts(traced, e);
      expect(statements).toHaveLength(1);
      expect(facts).toStrictEqual(await oldEngagementFacts(t.db, e));
      expect(overviewOf(extras)).toStrictEqual(await deliveryOverview(t.db, TEAM, e.id));
      expect(extras.partnerMemberIds).toStrictEqual(
        e.partner_org_id ? await listPartnerMemberIds(t.db, TEAM, e.partner_org_id) : [],
      );
      const open = await listOpenItems(t.db, TEAM, [e.id]);
      expect(extras.openRisks).toStrictEqual(
        open.risks.map((r) => ({
          ref: r.ref,
          severity: r.severity,
          state: r.state,
          title: r.title,
          raised_by: r.raised_by,
        })),
      );
      expect(extras.openEscalations).toStrictEqual(
        open.escalations.map((x) => ({
          ref: x.ref,
          severity: x.severity,
          state: x.state,
          level: x.level,
          raised_by: x.raised_by,
        })),
      );
    }
    const { extras } = await loadStatusFacts(t.db, rich);
    const overview = overviewOf(extras);
    expect(overview.openChanges.map((c) => c.ref)).toEqual(['CR-1']);
    expect(overview.waitingDeliverables.map((d) => d.ref)).toEqual(['DL-3', 'DL-2']);
    expect(overview.nextStage).toStrictEqual({
      ref: 'ST-1',
      name: 'Kick-off',
      dueDate: '2026-12-20',
      review: { ref: 'SR-3', status: 'pending' },
    });
    expect(extras.openRisks.map((r) => r.ref)).toEqual(['RK-1', 'RK-2']);
    expect(extras.openEscalations.map((x) => x.ref)).toEqual(['ES-1', 'ES-2']);
  });

  it('make `/amos status <slug>` three statements: the actor, the engagement, the rest', async () => {
    const deps = { db: traced, clock: { now: () => at(20) }, admins: [] };
    statements = [];
    const answer = await engagementStatus(deps, { teamId: TEAM, userId: 'U0EXEC', slug: 'rich' });
    expect(statements.length).toBeLessThanOrEqual(3);
    expect(answer.kind === 'one' && answer.status.open).toStrictEqual({
      risks: [
        { ref: 'RK-1', severity: 'high', state: 'acknowledged', title: 'Risk RK-1 "quoted"' },
        { ref: 'RK-2', severity: 'high', state: 'open', title: 'Risk RK-2 "quoted"' },
      ],
      escalations: [
        { ref: 'ES-1', severity: 'critical', state: 'acknowledged', level: 2 },
        { ref: 'ES-2', severity: 'critical', state: 'open', level: 3 },
      ],
    });
    // A partner of the engagement's organisation sees only what their organisation raised.
    statements = [];
    const partner = await engagementStatus(deps, { teamId: TEAM, userId: 'U0PART1', slug: 'rich' });
    expect(statements.length).toBeLessThanOrEqual(4);
    expect(partner.kind === 'one' && partner.status.open).toStrictEqual({
      risks: [{ ref: 'RK-2', severity: 'high', state: 'open', title: 'Risk RK-2 "quoted"' }],
      escalations: [{ ref: 'ES-1', severity: 'critical', state: 'acknowledged', level: 2 }],
    });
  });
});

describe('adding a scope item', () => {
  it('finds and locks the engagement in one statement and reads its facts and pending request in one', async () => {
    await grant(t.db, TEAM, 'U0OPER9', 'operator');
    await createEngagement(t.db, {
      slug: 'drafting',
      stage: 'outputs_reviewed',
      operatorId: 'U0OPER9',
    });
    const deps = { db: traced, clock: { now: () => at(20) }, admins: [] };
    const item = {
      teamId: TEAM,
      userId: 'U0OPER9',
      slug: 'Drafting',
      criteria: ['Done'],
      dueDate: '2027-03-01',
    };
    statements = [];
    await addScopeItem(deps, { ...item, title: 'First' });
    // begin, actor, lock by slug, facts, ref counter, item_ref, scope_item, the record (lock,
    // chain head, insert), commit: 12 (17 with the facts as five reads, the separate lock and
    // the pending request and scope items read again).
    expect(statements.length).toBeLessThanOrEqual(12);
    expect(statements.filter((q) => q.includes('from "scope_item"')).length).toBe(0);
    // The uniqueness check still sees the items (from the facts), and the pending request
    // still locks the scope (from the same statement).
    await expect(addScopeItem(deps, { ...item, title: ' first ' })).rejects.toThrow(
      /SC-1 is already called/,
    );
    const drafting = (await findEngagementBySlug(t.db, TEAM, 'drafting')) as EngagementRow;
    await approval(drafting, 'EX-1', { requestedAt: at(19) });
    await expect(addScopeItem(deps, { ...item, title: 'Later' })).rejects.toThrow(/EX-1/);
    await expect(addScopeItem(deps, { ...item, slug: 'nope-q9', title: 'X' })).rejects.toThrow(
      'There is no engagement `nope-q9`',
    );
  });
});

// ---- The reference: loadEngagementFacts as it was before it became one statement. ----

async function oldEngagementFacts(
  db: Db | Trx,
  engagement: EngagementRow,
): Promise<EngagementFacts> {
  const teamId = engagement.team_id;
  const [diagnostic, scopeItems, stages, requirements, partnerOrg] = await Promise.all([
    db
      .selectFrom('diagnostic')
      .select(['ref', 'author_id', 'version'])
      .where('team_id', '=', teamId)
      .where('engagement_id', '=', engagement.id)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst(),
    db
      .selectFrom('scope_item')
      .select(['ref', 'title', 'due_date', 'criteria', 'author_id'])
      .where('team_id', '=', teamId)
      .where('engagement_id', '=', engagement.id)
      .orderBy('created_at')
      .execute(),
    db
      .selectFrom('stage_checkpoint')
      .select(['ref', 'name', 'due_date', 'author_id'])
      .where('team_id', '=', teamId)
      .where('engagement_id', '=', engagement.id)
      .orderBy('created_at')
      .execute(),
    db
      .selectFrom('approval_request')
      .select(['ref', 'requester_ids', 'status', 'votes'])
      .where('team_id', '=', teamId)
      .where('engagement_id', '=', engagement.id)
      .where('subject', '=', 'execution_requirements')
      .orderBy('requested_at', 'desc')
      .orderBy(sql`split_part(ref, '-', 2)::int`, 'desc')
      .limit(1)
      .executeTakeFirst(),
    engagement.partner_org_id
      ? db
          .selectFrom('partner_org')
          .select(['id', 'name'])
          .where('team_id', '=', teamId)
          .where('id', '=', engagement.partner_org_id)
          .executeTakeFirst()
      : Promise.resolve(undefined),
  ]);
  const authorIds = [
    ...new Set([
      ...scopeItems.map((s) => s.author_id),
      ...stages.map((s) => s.author_id),
      ...(requirements?.requester_ids ?? []),
    ]),
  ];
  const verdict = partnerOrg
    ? (await latestFitAssessment(db, teamId, partnerOrg.id))?.verdict
    : undefined;
  return {
    slug: engagement.slug,
    stage: engagement.stage as EngagementFacts['stage'],
    requiredApprovals: engagement.required_approvals,
    ...(diagnostic
      ? {
          diagnostic: {
            ref: diagnostic.ref,
            authorId: diagnostic.author_id,
            version: diagnostic.version,
          },
        }
      : {}),
    requirements:
      requirements || authorIds.length > 0
        ? {
            ...(requirements
              ? {
                  ref: requirements.ref,
                  status: requirements.status,
                  voterIds: requirements.votes.map((v) => v.userId),
                }
              : {}),
            authorIds,
          }
        : undefined,
    scopeItems: scopeItems.map((s) => ({
      ref: s.ref,
      title: s.title,
      ...(s.due_date ? { dueDate: s.due_date } : {}),
      criteria: s.criteria,
    })),
    stages: stages.map((s) => ({
      ref: s.ref,
      name: s.name,
      ...(s.due_date ? { dueDate: s.due_date } : {}),
    })),
    escalationPath: engagement.escalation_path,
    ...(partnerOrg
      ? {
          partnerOrg: {
            id: partnerOrg.id,
            name: partnerOrg.name,
            ...(verdict ? { latestVerdict: verdict } : {}),
          },
        }
      : {}),
    ...(engagement.partner_channel_id ? { partnerChannelId: engagement.partner_channel_id } : {}),
  };
}
