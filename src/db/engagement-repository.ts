import { type Selectable, sql } from 'kysely';
import type { EngagementFacts } from '../domain/engagement.js';
import { formatRef, type RefKind } from '../domain/refs.js';
import type { Db, Trx } from './database.js';
import { latestFitAssessment } from './fit-repository.js';
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

/** Everything the lifecycle rules need about one engagement, read in the caller's transaction. */
export async function loadEngagementFacts(
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
  let query = db
    .selectFrom('engagement')
    .select([
      'id',
      'slug',
      'name',
      'stage',
      'created_at',
      sql<string>`count(*) over ()`.as('total'),
    ])
    .where('team_id', '=', teamId);
  if (filter.partnerOrgIds) {
    if (filter.partnerOrgIds.length === 0) return { rows: [], total: 0 };
    query = query.where('partner_org_id', 'in', [...filter.partnerOrgIds]);
  }
  const found = await query.orderBy('created_at', 'desc').orderBy('slug').limit(limit).execute();
  return {
    total: Number(found[0]?.total ?? 0),
    rows: found.map(({ id, slug, name, stage, created_at }) => ({
      id,
      slug,
      name,
      stage,
      created_at,
    })),
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
