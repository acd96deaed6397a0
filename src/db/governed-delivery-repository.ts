import type { Selectable } from 'kysely';
import type { DeliverableFacts } from '../domain/deliverable.js';
import type { ScopeVersion, VersionedScopeItem } from '../domain/scope-version.js';
import type { Db, Trx } from './database.js';
import { listScopeItems } from './scope-repository.js';
import type {
  ChangeRequestTable,
  DeliverableTable,
  DeliverableVersionTable,
  ScopeAmendmentJson,
  StageReviewTable,
} from './tables.js';

// Change requests (CR-n), scope versions, deliverables (DL-n) with their versions and criterion
// results, and stage reviews (SR-n). Plain functions; a write takes the change's transaction.

export type ChangeRequestRow = Selectable<ChangeRequestTable>;
export type DeliverableRow = Selectable<DeliverableTable>;
export type DeliverableVersionRow = Selectable<DeliverableVersionTable>;
export type StageReviewRow = Selectable<StageReviewTable>;

const byRefNumber = (a: { ref: string }, b: { ref: string }) =>
  Number(a.ref.split('-')[1]) - Number(b.ref.split('-')[1]);

/**
 * Scope version `version` (default: the latest). Until a change request amends the scope, the
 * only version is 1: the approved execution requirements as the scope items hold them.
 */
export async function findScopeVersion(
  db: Db | Trx,
  teamId: string,
  engagementId: string,
  version?: number,
): Promise<ScopeVersion | undefined> {
  let query = db
    .selectFrom('scope_version')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('engagement_id', '=', engagementId);
  if (version !== undefined) query = query.where('version', '=', version);
  const row = await query.orderBy('version', 'desc').limit(1).executeTakeFirst();
  if (row) return { version: row.version, items: row.items, changeRef: row.change_ref };
  if (version !== undefined && version !== 1) return undefined;
  const items = await listScopeItems(db, teamId, engagementId);
  return {
    version: 1,
    changeRef: null,
    items: items
      .map((i) => ({ ref: i.ref, title: i.title, criteria: i.criteria, dueDate: i.due_date }))
      .sort(byRefNumber),
  };
}

/** True when scope version `version` is stored (version 1 is not until the first amendment). */
export async function isScopeVersionStored(
  db: Db | Trx,
  teamId: string,
  engagementId: string,
  version: number,
): Promise<boolean> {
  const row = await db
    .selectFrom('scope_version')
    .select('version')
    .where('team_id', '=', teamId)
    .where('engagement_id', '=', engagementId)
    .where('version', '=', version)
    .executeTakeFirst();
  return row !== undefined;
}

/** The highest stored scope version number (1 when none is stored yet). */
export async function latestScopeVersionNumber(db: Db | Trx, teamId: string, engagementId: string) {
  return (await findScopeVersion(db, teamId, engagementId))?.version ?? 1;
}

/** Stores a scope version (version 1 too, before the first amendment replaces the items). */
export async function insertScopeVersion(
  trx: Trx,
  input: { teamId: string; engagementId: string; version: ScopeVersion; by: string; now: Date },
): Promise<void> {
  await trx
    .insertInto('scope_version')
    .values({
      team_id: input.teamId,
      engagement_id: input.engagementId,
      version: input.version.version,
      items: JSON.stringify(input.version.items),
      change_ref: input.version.changeRef,
      created_by: input.by,
      created_at: input.now,
    })
    .execute();
}

/** Makes the scope items match `version`: amended items updated, new ones inserted. */
export async function applyScopeVersionToItems(
  trx: Trx,
  input: {
    teamId: string;
    engagementId: string;
    version: ScopeVersion;
    added: readonly string[];
    amended: readonly string[];
    authorId: string;
    now: Date;
  },
): Promise<void> {
  const byRef = new Map<string, VersionedScopeItem>(input.version.items.map((i) => [i.ref, i]));
  for (const ref of input.amended) {
    const item = byRef.get(ref);
    if (!item) continue;
    await trx
      .updateTable('scope_item')
      .set({
        title: item.title,
        criteria: JSON.stringify(item.criteria),
        due_date: item.dueDate,
        version: input.version.version,
      })
      .where('team_id', '=', input.teamId)
      .where('engagement_id', '=', input.engagementId)
      .where('ref', '=', ref)
      .execute();
  }
  for (const ref of input.added) {
    const item = byRef.get(ref);
    if (!item) continue;
    await trx
      .insertInto('scope_item')
      .values({
        team_id: input.teamId,
        engagement_id: input.engagementId,
        ref,
        title: item.title,
        criteria: JSON.stringify(item.criteria),
        due_date: item.dueDate,
        version: input.version.version,
        author_id: input.authorId,
        created_at: input.now,
      })
      .execute();
  }
}

export async function insertChangeRequest(
  trx: Trx,
  input: Omit<ChangeRequestRow, 'id' | 'scope_version' | 'amendment'> & {
    amendment: ScopeAmendmentJson;
  },
): Promise<ChangeRequestRow> {
  return trx
    .insertInto('change_request')
    .values({ ...input, amendment: JSON.stringify(input.amendment) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findChangeRequestByApproval(
  db: Db | Trx,
  teamId: string,
  approvalRequestId: string,
): Promise<ChangeRequestRow | undefined> {
  return db
    .selectFrom('change_request')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('approval_request_id', '=', approvalRequestId)
    .executeTakeFirst();
}

export async function setChangeRequestScopeVersion(
  trx: Trx,
  row: Pick<ChangeRequestRow, 'id' | 'team_id'>,
  version: number,
): Promise<void> {
  await trx
    .updateTable('change_request')
    .set({ scope_version: version })
    .where('team_id', '=', row.team_id)
    .where('id', '=', row.id)
    .execute();
}

/** The engagement's deliverables, oldest first. */
export async function listDeliverables(
  db: Db | Trx,
  teamId: string,
  engagementId: string,
): Promise<DeliverableRow[]> {
  return db
    .selectFrom('deliverable')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('engagement_id', '=', engagementId)
    .orderBy('created_at')
    .orderBy('ref')
    .execute();
}

export function toDeliverableFacts(row: DeliverableRow): DeliverableFacts {
  return { ref: row.ref, scopeRef: row.scope_ref, status: row.status, version: row.version };
}

export async function insertDeliverable(
  trx: Trx,
  input: { teamId: string; engagementId: string; ref: string; scopeRef: string; now: Date },
): Promise<DeliverableRow> {
  return trx
    .insertInto('deliverable')
    .values({
      team_id: input.teamId,
      engagement_id: input.engagementId,
      ref: input.ref,
      scope_ref: input.scopeRef,
      status: 'waiting',
      version: 1,
      created_at: input.now,
      updated_at: input.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function setDeliverableState(
  trx: Trx,
  row: Pick<DeliverableRow, 'id' | 'team_id'>,
  state: { status: DeliverableRow['status']; version: number; now: Date },
): Promise<void> {
  await trx
    .updateTable('deliverable')
    .set({ status: state.status, version: state.version, updated_at: state.now })
    .where('team_id', '=', row.team_id)
    .where('id', '=', row.id)
    .execute();
}

export async function insertDeliverableVersion(
  trx: Trx,
  input: {
    teamId: string;
    deliverableId: string;
    version: number;
    link: string;
    summary: string;
    by: string;
    now: Date;
  },
): Promise<void> {
  await trx
    .insertInto('deliverable_version')
    .values({
      team_id: input.teamId,
      deliverable_id: input.deliverableId,
      version: input.version,
      link: input.link,
      summary: input.summary,
      submitted_by: input.by,
      submitted_at: input.now,
    })
    .execute();
}

/** A deliverable by ref, locked for the change (FOR UPDATE). */
export async function lockDeliverableByRef(
  trx: Trx,
  teamId: string,
  engagementId: string,
  ref: string,
): Promise<DeliverableRow | undefined> {
  return trx
    .selectFrom('deliverable')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('engagement_id', '=', engagementId)
    .where('ref', '=', ref)
    .forUpdate()
    .executeTakeFirst();
}

export async function findDeliverableVersion(
  db: Db | Trx,
  teamId: string,
  deliverableId: string,
  version: number,
): Promise<DeliverableVersionRow | undefined> {
  return db
    .selectFrom('deliverable_version')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('deliverable_id', '=', deliverableId)
    .where('version', '=', version)
    .executeTakeFirst();
}

/** Stores a review: the version's verdict and one criterion result row per criterion. */
export async function saveReview(
  trx: Trx,
  input: {
    teamId: string;
    deliverableId: string;
    version: number;
    verdict: 'accepted' | 'returned';
    results: readonly { criterion: string; met: boolean; note: string }[];
    by: string;
    now: Date;
  },
): Promise<void> {
  await trx
    .updateTable('deliverable_version')
    .set({ verdict: input.verdict, reviewed_by: input.by, reviewed_at: input.now })
    .where('team_id', '=', input.teamId)
    .where('deliverable_id', '=', input.deliverableId)
    .where('version', '=', input.version)
    .execute();
  await trx
    .insertInto('criterion_result')
    .values(
      input.results.map((r, position) => ({
        team_id: input.teamId,
        deliverable_id: input.deliverableId,
        version: input.version,
        position,
        criterion: r.criterion,
        met: r.met,
        note: r.note,
      })),
    )
    .execute();
}

export async function markScopeItemDone(
  trx: Trx,
  input: { teamId: string; engagementId: string; scopeRef: string; doneByRef: string; now: Date },
): Promise<void> {
  await trx
    .updateTable('scope_item')
    .set({ done_at: input.now, done_by_ref: input.doneByRef })
    .where('team_id', '=', input.teamId)
    .where('engagement_id', '=', input.engagementId)
    .where('ref', '=', input.scopeRef)
    .execute();
}

export async function listStageReviews(
  db: Db | Trx,
  teamId: string,
  engagementId: string,
): Promise<(StageReviewRow & { status: string })[]> {
  return db
    .selectFrom('stage_review')
    .innerJoin('approval_request', 'approval_request.id', 'stage_review.approval_request_id')
    .selectAll('stage_review')
    .select('approval_request.status')
    .where('stage_review.team_id', '=', teamId)
    .where('stage_review.engagement_id', '=', engagementId)
    .orderBy('stage_review.submitted_at')
    .execute();
}

export async function insertStageReview(
  trx: Trx,
  input: Omit<StageReviewRow, 'id'>,
): Promise<StageReviewRow> {
  return trx.insertInto('stage_review').values(input).returningAll().executeTakeFirstOrThrow();
}

export async function findStageReviewByApproval(
  db: Db | Trx,
  teamId: string,
  approvalRequestId: string,
): Promise<StageReviewRow | undefined> {
  return db
    .selectFrom('stage_review')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('approval_request_id', '=', approvalRequestId)
    .executeTakeFirst();
}

/**
 * What a typed ref names in an engagement, following legacy aliases: an old checkpoint SR-2
 * resolves to ST-2 (migration 20261201150000). Returns the ref itself when it has no alias.
 */
export async function resolveItemRef(
  db: Db | Trx,
  teamId: string,
  engagementId: string,
  ref: string,
): Promise<{ ref: string; aliasOf: string | null }> {
  const row = await db
    .selectFrom('item_ref')
    .select(['ref', 'alias_of'])
    .where('team_id', '=', teamId)
    .where('engagement_id', '=', engagementId)
    .where('ref', '=', ref)
    .executeTakeFirst();
  if (row?.alias_of) return { ref: row.alias_of, aliasOf: row.alias_of };
  const legacy = await db
    .selectFrom('stage_checkpoint')
    .select('ref')
    .where('team_id', '=', teamId)
    .where('engagement_id', '=', engagementId)
    .where('legacy_ref', '=', ref)
    .executeTakeFirst();
  return legacy ? { ref: legacy.ref, aliasOf: legacy.ref } : { ref, aliasOf: null };
}

export interface DeliveryOverview {
  readonly openChanges: readonly { ref: string; type: string; description: string }[];
  readonly waitingDeliverables: readonly { ref: string; scopeRef: string; version: number }[];
  /** The first checkpoint not passed yet, with its latest stage review if any. */
  readonly nextStage: {
    readonly ref: string;
    readonly name: string;
    readonly dueDate: string | null;
    readonly review: { readonly ref: string; readonly status: string } | null;
  } | null;
}

/**
 * The overview from its rows: the checkpoints by due date then creation, the stage reviews by
 * submission (`/amos status` reads them in its one statement).
 */
export function overviewOf(rows: {
  readonly openChanges: DeliveryOverview['openChanges'];
  readonly waitingDeliverables: DeliveryOverview['waitingDeliverables'];
  readonly checkpoints: readonly { ref: string; name: string; due_date: string | null }[];
  readonly stageReviews: readonly { ref: string; checkpoint_ref: string; status: string }[];
}): DeliveryOverview {
  const reviews = rows.stageReviews;
  const passed = new Set(
    reviews.filter((r) => r.status === 'approved').map((r) => r.checkpoint_ref),
  );
  const next = rows.checkpoints.find((c) => !passed.has(c.ref));
  const review = next ? reviews.filter((r) => r.checkpoint_ref === next.ref).at(-1) : undefined;
  return {
    openChanges: rows.openChanges,
    waitingDeliverables: rows.waitingDeliverables,
    nextStage: next
      ? {
          ref: next.ref,
          name: next.name,
          dueDate: next.due_date,
          review: review ? { ref: review.ref, status: review.status } : null,
        }
      : null,
  };
}

/**
 * Every deliverable of the workspace waiting for review, with its engagement's slug (at most 50);
 * a finished engagement's deliverables wait on nobody (they can no longer be reviewed).
 */
export async function listDeliverablesWaiting(db: Db | Trx, teamId: string) {
  return db
    .selectFrom('deliverable')
    .innerJoin('engagement', 'engagement.id', 'deliverable.engagement_id')
    .select([
      'engagement.slug as slug',
      'deliverable.ref as ref',
      'deliverable.scope_ref as scopeRef',
      'deliverable.version as version',
    ])
    .where('deliverable.team_id', '=', teamId)
    .where('engagement.team_id', '=', teamId)
    .where('deliverable.status', '=', 'waiting')
    .where('engagement.stage', 'not in', ['terminated', 'completed'])
    .orderBy('deliverable.updated_at')
    .limit(50)
    .execute();
}
