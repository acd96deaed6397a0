import { sql } from 'kysely';
import type { Db, Trx } from '../../src/db/database.js';
import {
  type DeliveryOverview,
  listDeliverables,
  listStageReviews,
  overviewOf,
} from '../../src/db/governed-delivery-repository.js';
import { FINAL_STAGES } from '../../src/domain/engagement.js';

// The reads that the one-statement reads of /amos status and App Home replaced (bench/FINDINGS.md,
// "Phase 4: reads"), kept here verbatim as the reference the tests compare the new reads with.

/** What waits in an engagement's governed delivery: open CRs, deliverables to review, the next stage. */
export async function deliveryOverview(
  db: Db | Trx,
  teamId: string,
  engagementId: string,
): Promise<DeliveryOverview> {
  const [changes, deliverables, checkpoints, reviews] = await Promise.all([
    db
      .selectFrom('change_request')
      .innerJoin('approval_request', 'approval_request.id', 'change_request.approval_request_id')
      .select(['change_request.ref', 'change_request.type', 'change_request.description'])
      .where('change_request.team_id', '=', teamId)
      .where('change_request.engagement_id', '=', engagementId)
      .where('approval_request.status', '=', 'pending')
      .orderBy('change_request.raised_at')
      .execute(),
    listDeliverables(db, teamId, engagementId),
    db
      .selectFrom('stage_checkpoint')
      .select(['ref', 'name', 'due_date'])
      .where('team_id', '=', teamId)
      .where('engagement_id', '=', engagementId)
      .orderBy('due_date')
      .orderBy('created_at')
      .execute(),
    listStageReviews(db, teamId, engagementId),
  ]);
  return overviewOf({
    openChanges: changes,
    waitingDeliverables: deliverables
      .filter((d) => d.status === 'waiting')
      .map((d) => ({ ref: d.ref, scopeRef: d.scope_ref, version: d.version })),
    checkpoints,
    stageReviews: reviews,
  });
}

/** The engagement's risks that are not closed, and its escalations that are not resolved. */
export async function listOpenItems(
  db: Db | Trx,
  teamId: string,
  engagementIds: readonly string[],
) {
  if (engagementIds.length === 0) return { risks: [], escalations: [] };
  const [risks, escalations] = await Promise.all([
    db
      .selectFrom('risk')
      .selectAll()
      .where('team_id', '=', teamId)
      .where('engagement_id', 'in', [...engagementIds])
      .where('state', '<>', 'closed')
      .orderBy('raised_at')
      .execute(),
    db
      .selectFrom('escalation')
      .selectAll()
      .where('team_id', '=', teamId)
      .where('engagement_id', 'in', [...engagementIds])
      .where('state', '<>', 'resolved')
      .orderBy('raised_at')
      .execute(),
  ]);
  return { risks, escalations };
}

/**
 * Open escalations someone has been sent (theirs to acknowledge), oldest first; not those of a
 * completed or terminated engagement (they no longer climb or wait on anyone).
 */
export async function escalationsReaching(db: Db | Trx, teamId: string, userId: string) {
  return (
    db
      .selectFrom('escalation')
      .innerJoin('engagement', (j) =>
        j
          .onRef('engagement.id', '=', 'escalation.engagement_id')
          .on('engagement.team_id', '=', teamId),
      )
      .selectAll('escalation')
      .select('engagement.slug')
      .where('escalation.team_id', '=', teamId)
      .where('escalation.state', '=', 'open')
      .where('engagement.stage', 'not in', [...FINAL_STAGES])
      // `@>` (not `= any(...)`) so the partial GIN index escalation_open_reached answers it.
      .where(sql<boolean>`escalation.reached_ids @> array[${userId}]::text[]`)
      .orderBy('escalation.raised_at')
      .limit(50)
      .execute()
  );
}

/** Risks not closed of the running engagements whose operator is `userId`, or of all when `all`. */
export async function risksOwnedBy(db: Db | Trx, teamId: string, userId: string, all: boolean) {
  let query = db
    .selectFrom('risk')
    .innerJoin('engagement', (j) =>
      j.onRef('engagement.id', '=', 'risk.engagement_id').on('engagement.team_id', '=', teamId),
    )
    .selectAll('risk')
    .select('engagement.slug')
    .where('risk.team_id', '=', teamId)
    .where('risk.state', '<>', 'closed')
    .where('engagement.stage', 'not in', [...FINAL_STAGES]);
  if (!all) query = query.where('risk.owner_id', '=', userId);
  return query.orderBy('risk.raised_at').limit(50).execute();
}
