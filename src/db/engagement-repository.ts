import { type Selectable, sql } from 'kysely';
import type { ApprovalStatus } from '../domain/approvals.js';
import type { EngagementFacts } from '../domain/engagement.js';
import type { FitVerdict } from '../domain/fit.js';
import { formatRef, type RefKind } from '../domain/refs.js';
import type { Db, Trx } from './database.js';
import type { EngagementTable } from './tables.js';

export type EngagementRow = Selectable<EngagementTable>;

/** An engagement of this workspace by slug (case-insensitive), or undefined. */
export async function findEngagementBySlug(db: Db | Trx, teamId: string, slug: string) {
  return db
    .selectFrom('engagement')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('slug', '=', slug.toLowerCase())
    .executeTakeFirst();
}

/** The engagement whose partner channel this is, if any. */
export async function findEngagementByChannel(db: Db | Trx, teamId: string, channelId: string) {
  return db
    .selectFrom('engagement')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('partner_channel_id', '=', channelId)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
}

/** Locks the engagement row for the rest of the transaction (serialises every change to it). */
export async function lockEngagement(trx: Trx, teamId: string, engagementId: string) {
  return trx
    .selectFrom('engagement')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('id', '=', engagementId)
    .forUpdate()
    .executeTakeFirst();
}

/** Hands out the next reference of a kind (SC-3) for a locked engagement. */
export async function nextRef(trx: Trx, engagement: EngagementRow, kind: RefKind): Promise<string> {
  const counters = { ...engagement.ref_counters };
  const n = (counters[kind] ?? 0) + 1;
  counters[kind] = n;
  await trx
    .updateTable('engagement')
    .set({ ref_counters: JSON.stringify(counters) })
    .where('id', '=', engagement.id)
    .where('team_id', '=', engagement.team_id)
    .execute();
  engagement.ref_counters = counters;
  const ref = formatRef(kind, n);
  // One row per reference: the database refuses a second item with the same ref.
  await trx
    .insertInto('item_ref')
    .values({
      team_id: engagement.team_id,
      engagement_id: engagement.id,
      ref,
      kind,
      alias_of: null,
    })
    .execute();
  return ref;
}

export async function setStage(
  trx: Trx,
  engagement: EngagementRow,
  stage: string,
  now: Date,
): Promise<void> {
  await trx
    .updateTable('engagement')
    .set({ stage, updated_at: now })
    .where('id', '=', engagement.id)
    .where('team_id', '=', engagement.team_id)
    .execute();
}

/** The rows of one engagement `loadEngagementFacts` reads, as its one statement returns them. */
interface FactsRow {
  diagnostic: { ref: string; author_id: string; version: number } | null;
  scope_items: {
    ref: string;
    title: string;
    due_date: string | null;
    criteria: string[];
    author_id: string;
  }[];
  stages: { ref: string; name: string; due_date: string | null; author_id: string }[];
  requirements: {
    ref: string;
    requester_ids: string[];
    status: ApprovalStatus;
    votes: { userId: string }[];
  } | null;
  partner_org: { id: string; name: string } | null;
  verdict: FitVerdict | null;
  /** The pending requirements request's EX-n, as `findPendingApproval` picks it. */
  pending_requirements: string | null;
}

/**
 * The columns of the facts statement: each table's rows as JSON (a `date` comes back as the
 * same 'YYYY-MM-DD' text the type parser gives; the orders are those of the separate reads
 * this replaced: scope items and checkpoints by created_at, the latest diagnostic version, the
 * latest requirements request by requested_at then EX number, the latest fit assessment).
 */
function factsColumns(engagement: EngagementRow) {
  const teamId = engagement.team_id;
  const id = engagement.id;
  const org = engagement.partner_org_id;
  return sql`
    (select to_jsonb(d) from (
      select ref, author_id, version from diagnostic
      where team_id = ${teamId} and engagement_id = ${id}
      order by version desc limit 1) d) as diagnostic,
    coalesce((select json_agg(json_build_object('ref', ref, 'title', title, 'due_date', due_date,
        'criteria', criteria, 'author_id', author_id) order by created_at)
      from scope_item where team_id = ${teamId} and engagement_id = ${id}), '[]') as scope_items,
    coalesce((select json_agg(json_build_object('ref', ref, 'name', name, 'due_date', due_date,
        'author_id', author_id) order by created_at)
      from stage_checkpoint where team_id = ${teamId} and engagement_id = ${id}), '[]') as stages,
    (select to_jsonb(r) from (
      select ref, requester_ids, status, votes from approval_request
      where team_id = ${teamId} and engagement_id = ${id} and subject = 'execution_requirements'
      order by requested_at desc, split_part(ref, '-', 2)::int desc limit 1) r) as requirements,
    (select json_build_object('id', id, 'name', name) from partner_org
      where team_id = ${teamId} and id = ${org}) as partner_org,
    (select verdict from fit_assessment where team_id = ${teamId} and partner_org_id = ${org}
      order by version desc limit 1) as verdict,
    (select ref from approval_request where team_id = ${teamId} and engagement_id = ${id}
      and subject = 'execution_requirements' and status = 'pending'
      order by requested_at desc limit 1) as pending_requirements`;
}

function toFacts(engagement: EngagementRow, row: FactsRow): EngagementFacts {
  const {
    diagnostic,
    scope_items: scopeItems,
    stages,
    requirements,
    partner_org: partnerOrg,
  } = row;
  const authorIds = [
    ...new Set([
      ...scopeItems.map((s) => s.author_id),
      ...stages.map((s) => s.author_id),
      ...(requirements?.requester_ids ?? []),
    ]),
  ];
  const verdict = partnerOrg ? (row.verdict ?? undefined) : undefined;
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

/**
 * Everything the lifecycle rules need about one engagement, read in the caller's transaction:
 * one statement (its diagnostic, scope items, checkpoints, latest requirements request, partner
 * organisation and that organisation's latest fit verdict), where it was five or six.
 */
export async function loadEngagementFacts(
  db: Db | Trx,
  engagement: EngagementRow,
): Promise<EngagementFacts> {
  return (await loadEngagementFactsAndPending(db, engagement)).facts;
}

/**
 * The facts and the EX-n of the pending requirements request if any (what editing the scope
 * checks), in the one statement.
 */
export async function loadEngagementFactsAndPending(
  db: Db | Trx,
  engagement: EngagementRow,
): Promise<{ facts: EngagementFacts; pendingRequirementsRef: string | undefined }> {
  const { rows } = await sql<FactsRow>`select ${factsColumns(engagement)}`.execute(db);
  const row = rows[0] as FactsRow;
  return {
    facts: toFacts(engagement, row),
    pendingRequirementsRef: row.pending_requirements ?? undefined,
  };
}

/** Locks this workspace's engagement with this slug (case-insensitive) for the transaction. */
export async function lockEngagementBySlug(trx: Trx, teamId: string, slug: string) {
  return trx
    .selectFrom('engagement')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('slug', '=', slug.toLowerCase())
    .forUpdate()
    .executeTakeFirst();
}

/** An open risk or escalation as `/amos status` lists it (raised_by: for a partner's view). */
export interface OpenItemRow {
  readonly ref: string;
  readonly severity: string;
  readonly state: string;
  readonly raised_by: string;
}

/** What `/amos status <slug>` shows of one engagement beyond its facts. */
export interface StatusExtras {
  readonly openChanges: { ref: string; type: string; description: string }[];
  readonly waitingDeliverables: { ref: string; scopeRef: string; version: number }[];
  /** Every checkpoint, by due date then creation. */
  readonly checkpoints: { ref: string; name: string; due_date: string | null }[];
  /** Its stage reviews by submission, with their approval request's status. */
  readonly stageReviews: { ref: string; checkpoint_ref: string; status: string }[];
  /** The partner organisation's members (by when they were added), [] without one. */
  readonly partnerMemberIds: string[];
  readonly openRisks: (OpenItemRow & { title: string })[];
  readonly openEscalations: (OpenItemRow & { level: number })[];
}

interface StatusRow extends FactsRow {
  open_changes: StatusExtras['openChanges'];
  waiting_deliverables: { ref: string; scope_ref: string; version: number }[];
  checkpoints: StatusExtras['checkpoints'];
  stage_reviews: StatusExtras['stageReviews'];
  partner_member_ids: string[];
  open_risks: StatusExtras['openRisks'];
  open_escalations: StatusExtras['openEscalations'];
}

/**
 * `/amos status <slug>`'s whole read of an engagement in one statement: its facts (as
 * `loadEngagementFacts`), the governed delivery (open change requests, deliverables waiting,
 * checkpoints and stage reviews, as `deliveryOverview` read them), the partner's members and
 * the open risks and escalations (as `listOpenItems`), each in the order its own read had.
 */
export async function loadStatusFacts(
  db: Db | Trx,
  engagement: EngagementRow,
): Promise<{ facts: EngagementFacts; extras: StatusExtras }> {
  const teamId = engagement.team_id;
  const id = engagement.id;
  const { rows } = await sql<StatusRow>`select ${factsColumns(engagement)},
    coalesce((select json_agg(json_build_object('ref', c.ref, 'type', c.type,
        'description', c.description) order by c.raised_at)
      from change_request c join approval_request a on a.id = c.approval_request_id
      where c.team_id = ${teamId} and c.engagement_id = ${id} and a.status = 'pending'), '[]')
      as open_changes,
    coalesce((select json_agg(json_build_object('ref', ref, 'scope_ref', scope_ref,
        'version', version) order by created_at, ref)
      from deliverable where team_id = ${teamId} and engagement_id = ${id} and status = 'waiting'),
      '[]') as waiting_deliverables,
    coalesce((select json_agg(json_build_object('ref', ref, 'name', name, 'due_date', due_date)
        order by due_date, created_at)
      from stage_checkpoint where team_id = ${teamId} and engagement_id = ${id}), '[]')
      as checkpoints,
    coalesce((select json_agg(json_build_object('ref', s.ref, 'checkpoint_ref', s.checkpoint_ref,
        'status', a.status) order by s.submitted_at)
      from stage_review s join approval_request a on a.id = s.approval_request_id
      where s.team_id = ${teamId} and s.engagement_id = ${id}), '[]') as stage_reviews,
    coalesce((select json_agg(user_id order by added_at, user_id) from partner_member
      where team_id = ${teamId} and partner_org_id = ${engagement.partner_org_id}), '[]')
      as partner_member_ids,
    coalesce((select json_agg(json_build_object('ref', ref, 'severity', severity, 'state', state,
        'title', title, 'raised_by', raised_by) order by raised_at)
      from risk where team_id = ${teamId} and engagement_id = ${id} and state <> 'closed'), '[]')
      as open_risks,
    coalesce((select json_agg(json_build_object('ref', ref, 'severity', severity, 'state', state,
        'level', level, 'raised_by', raised_by) order by raised_at)
      from escalation where team_id = ${teamId} and engagement_id = ${id}
        and state <> 'resolved'), '[]') as open_escalations`.execute(db);
  const row = rows[0] as StatusRow;
  return {
    facts: toFacts(engagement, row),
    extras: {
      openChanges: row.open_changes,
      waitingDeliverables: row.waiting_deliverables.map((d) => ({
        ref: d.ref,
        scopeRef: d.scope_ref,
        version: d.version,
      })),
      checkpoints: row.checkpoints,
      stageReviews: row.stage_reviews,
      partnerMemberIds: row.partner_member_ids,
      openRisks: row.open_risks,
      openEscalations: row.open_escalations,
    },
  };
}

/** The columns a new engagement is created with (it starts in draft). */
export interface NewEngagementRow {
  teamId: string;
  slug: string;
  name: string;
  client: string;
  sponsorIds: readonly string[];
  operatorId: string;
  partnerOrgId: string | null;
  partnerChannelId: string | null;
  escalationPath: { level1: string[]; level2: string[]; level3: string[] };
  requiredApprovals: number;
  createdBy: string;
  now: Date;
}

/** Inserts a draft engagement; the unique (team_id, slug) constraint refuses a taken slug. */
export async function insertEngagement(trx: Trx, row: NewEngagementRow): Promise<EngagementRow> {
  return trx
    .insertInto('engagement')
    .values({
      team_id: row.teamId,
      slug: row.slug.toLowerCase(),
      name: row.name,
      client: row.client,
      stage: 'draft',
      required_approvals: row.requiredApprovals,
      sponsor_ids: [...row.sponsorIds],
      operator_id: row.operatorId,
      partner_org_id: row.partnerOrgId,
      partner_channel_id: row.partnerChannelId,
      escalation_path: JSON.stringify(row.escalationPath),
      created_by: row.createdBy,
      created_at: row.now,
      updated_at: row.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Sets the engagement's partner channel (the caller records engagement.channel_linked). */
export async function setPartnerChannel(
  trx: Trx,
  engagement: EngagementRow,
  channelId: string,
  now: Date,
): Promise<void> {
  await trx
    .updateTable('engagement')
    .set({ partner_channel_id: channelId, updated_at: now })
    .where('id', '=', engagement.id)
    .where('team_id', '=', engagement.team_id)
    .execute();
  engagement.partner_channel_id = channelId;
}

/** The workspace's engagements, newest first; only those of `partnerOrgIds` when given. */
export async function listEngagements(
  db: Db | Trx,
  teamId: string,
  filter: { partnerOrgIds?: readonly string[] } = {},
): Promise<EngagementRow[]> {
  let query = db.selectFrom('engagement').selectAll().where('team_id', '=', teamId);
  if (filter.partnerOrgIds) {
    if (filter.partnerOrgIds.length === 0) return [];
    query = query.where('partner_org_id', 'in', [...filter.partnerOrgIds]);
  }
  return query.orderBy('created_at', 'desc').orderBy('slug').execute();
}

/**
 * The first `limit` engagements as a list shows them (newest first: slug, name, stage) and how
 * many there are in all, in one statement: App Home and `/amos status` show the first 40, and
 * reading every row of a large workspace for that was most of a Home publish.
 */
export async function listEngagementSummaries(
  db: Db | Trx,
  teamId: string,
  filter: { partnerOrgIds?: readonly string[] },
  limit: number,
): Promise<{
  rows: { id: string; slug: string; name: string; stage: string; created_at: Date }[];
  total: number;
}> {
  if (filter.partnerOrgIds?.length === 0) return { rows: [], total: 0 };
  const ofOrgs = filter.partnerOrgIds
    ? sql`and partner_org_id = any(${[...filter.partnerOrgIds]})`
    : sql``;
  // The count apart from the page: the page walks engagement_listed and stops at `limit`
  // (`count(*) over ()` sorted every engagement of the workspace to return the first 40).
  const { rows: found } = await sql<{
    total: number;
    id: string | null;
    slug: string;
    name: string;
    stage: string;
    created_at: Date;
  }>`select t.total, p.* from (
      select count(*)::int as total from engagement where team_id = ${teamId} ${ofOrgs}
    ) t left join lateral (
      select id, slug, name, stage, created_at from engagement
      where team_id = ${teamId} ${ofOrgs}
      order by created_at desc, slug limit ${limit}
    ) p on true`.execute(db);
  return {
    total: found[0]?.total ?? 0,
    rows: found.flatMap(({ id, slug, name, stage, created_at }) =>
      id === null ? [] : [{ id, slug, name, stage, created_at }],
    ),
  };
}

/** An engagement of this workspace by id, or undefined (also for a malformed id). */
export async function findEngagementById(db: Db | Trx, teamId: string, engagementId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(engagementId)) return undefined;
  return db
    .selectFrom('engagement')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('id', '=', engagementId)
    .executeTakeFirst();
}

/** Sets the engagement's partner organisation (the caller records engagement.partner_assigned). */
export async function setPartnerOrg(
  trx: Trx,
  engagement: EngagementRow,
  orgId: string,
  now: Date,
): Promise<void> {
  await trx
    .updateTable('engagement')
    .set({ partner_org_id: orgId, updated_at: now })
    .where('id', '=', engagement.id)
    .where('team_id', '=', engagement.team_id)
    .execute();
  engagement.partner_org_id = orgId;
  engagement.updated_at = now;
}
