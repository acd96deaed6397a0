import type { Db } from '../../src/db/database.js';
import type { RoleName } from '../../src/db/tables.js';

// Factories write rows directly to reach a precondition quickly (no decision records):
// tests of a step use them for the steps before it. Every one takes overrides.

export async function seedWorkspace(db: Db, teamId = 'T0AMOS'): Promise<void> {
  await db
    .insertInto('workspace')
    .values({ team_id: teamId, team_name: `Team ${teamId}`, bot_user_id: 'U0BOT', bot_id: 'B0BOT' })
    .onConflict((oc) => oc.column('team_id').doNothing())
    .execute();
}

export async function grant(
  db: Db,
  teamId: string,
  userId: string,
  ...roles: RoleName[]
): Promise<void> {
  await seedWorkspace(db, teamId);
  for (const role of roles) {
    await db
      .insertInto('role_grant')
      .values({ team_id: teamId, user_id: userId, role, granted_by: 'U0SETUP' })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

export async function createPartnerOrg(
  db: Db,
  o: {
    teamId?: string;
    name?: string;
    members?: string[];
    verdict?: 'fit' | 'not_fit' | 'needs_conversation';
  } = {},
): Promise<{ id: string; name: string }> {
  const teamId = o.teamId ?? 'T0AMOS';
  await seedWorkspace(db, teamId);
  const org = await db
    .insertInto('partner_org')
    .values({
      team_id: teamId,
      name: o.name ?? `Agency ${Math.random().toString(36).slice(2, 7)}`,
      created_by: 'U0SETUP',
    })
    .returning(['id', 'name'])
    .executeTakeFirstOrThrow();
  for (const userId of o.members ?? []) {
    await db
      .insertInto('partner_member')
      .values({ team_id: teamId, partner_org_id: org.id, user_id: userId, added_by: 'U0SETUP' })
      .execute();
  }
  if (o.verdict) {
    await db
      .insertInto('fit_assessment')
      .values({
        team_id: teamId,
        partner_org_id: org.id,
        version: 1,
        answers: JSON.stringify({}),
        verdict: o.verdict,
        summary: `factory verdict ${o.verdict}`,
        assessed_by: 'U0SETUP',
        assessed_at: new Date('2026-11-01T12:00:00Z'),
      })
      .execute();
  }
  return org;
}

export interface EngagementOverrides {
  teamId?: string;
  slug?: string;
  stage?: string;
  operatorId?: string;
  sponsorIds?: string[];
  requiredApprovals?: number;
  partnerOrgId?: string | null;
  partnerChannelId?: string | null;
  escalationPath?: { level1: string[]; level2: string[]; level3: string[] };
  /** Add DX-1 by the operator. */
  diagnostic?: boolean;
  /** Scope items; each gets criteria and a due date unless given. */
  scopeItems?: { title: string; criteria?: string[]; dueDate?: string | null }[];
  stages?: { name: string; dueDate?: string | null }[];
}

/** An engagement at any stage with the data that stage implies (override any of it). */
export async function createEngagement(db: Db, o: EngagementOverrides = {}) {
  const teamId = o.teamId ?? 'T0AMOS';
  await seedWorkspace(db, teamId);
  const now = new Date('2026-11-20T12:00:00Z');
  const operatorId = o.operatorId ?? 'U0OPER';
  // Defaults: requirements exist from execution approval on; earlier stages start empty.
  const planned = ['execution_approved', 'active', 'paused', 'completed', 'terminated'].includes(
    o.stage ?? 'draft',
  );
  const scopeItems = o.scopeItems ?? (planned ? [{ title: 'Lifecycle email program' }] : []);
  const stages = o.stages ?? (planned ? [{ name: 'Mid-point review' }] : []);
  const engagement = await db
    .insertInto('engagement')
    .values({
      team_id: teamId,
      slug: o.slug ?? `eng-${Math.random().toString(36).slice(2, 8)}`,
      name: 'Acme Q3 lifecycle',
      client: 'Acme',
      stage: o.stage ?? 'draft',
      required_approvals: o.requiredApprovals ?? 1,
      sponsor_ids: o.sponsorIds ?? ['U0EXEC'],
      operator_id: operatorId,
      partner_org_id: o.partnerOrgId ?? null,
      partner_channel_id: o.partnerChannelId ?? null,
      escalation_path: JSON.stringify(
        o.escalationPath ?? { level1: ['U0EXEC'], level2: [], level3: [] },
      ),
      ref_counters: JSON.stringify({
        DX: o.diagnostic ? 1 : 0,
        SC: scopeItems.length,
        ST: stages.length,
      }),
      created_by: operatorId,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (o.diagnostic) {
    await db
      .insertInto('diagnostic')
      .values({
        team_id: teamId,
        engagement_id: engagement.id,
        ref: 'DX-1',
        version: 1,
        priorities: JSON.stringify(['Retention', 'Activation']),
        scores: JSON.stringify({ retention: 42, activation: 61 }),
        findings: 'Churn concentrates in month two.',
        recommended_scope: 'Lifecycle email program',
        author_id: operatorId,
        submitted_at: now,
        frozen_at: null,
      })
      .execute();
  }
  let n = 0;
  for (const item of o.scopeItems === undefined &&
  !['execution_approved', 'active', 'paused'].includes(o.stage ?? '')
    ? []
    : scopeItems) {
    n += 1;
    await db
      .insertInto('scope_item')
      .values({
        team_id: teamId,
        engagement_id: engagement.id,
        ref: `SC-${n}`,
        title: item.title,
        due_date: item.dueDate === undefined ? '2026-12-15' : item.dueDate,
        criteria: JSON.stringify(item.criteria ?? ['Open rate above 35%']),
        author_id: operatorId,
        created_at: now,
      })
      .execute();
  }
  let m = 0;
  for (const stage of o.stages === undefined &&
  !['execution_approved', 'active', 'paused'].includes(o.stage ?? '')
    ? []
    : stages) {
    m += 1;
    await db
      .insertInto('stage_checkpoint')
      .values({
        team_id: teamId,
        engagement_id: engagement.id,
        ref: `ST-${m}`,
        name: stage.name,
        due_date: stage.dueDate === undefined ? '2026-12-01' : stage.dueDate,
        author_id: operatorId,
        created_at: now,
      })
      .execute();
  }
  return engagement;
}
