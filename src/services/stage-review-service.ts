import { type ApprovalRequestRow, insertApprovalRequest } from '../db/approval-repository.js';
import type { Db, Trx } from '../db/database.js';
import { type EngagementRow, nextRef } from '../db/engagement-repository.js';
import {
  findScopeVersion,
  findStageReviewByApproval,
  insertStageReview,
  listDeliverables,
  listStageReviews,
  resolveItemRef,
  toDeliverableFacts,
} from '../db/governed-delivery-repository.js';
import { listStageCheckpoints } from '../db/scope-repository.js';
import { requiredApprovalsFor } from '../domain/approval-subjects.js';
import { openApprovalRequest } from '../domain/approvals.js';
import { engagementLabel } from '../domain/engagement.js';
import { normalizeRef } from '../domain/refs.js';
import { checkStageOutcome, stageScopeItems, waitingDeliverables } from '../domain/stage-review.js';
import { type Change, check, notFound, runChange, type ServiceDeps } from './change.js';
import { assertPartnerMayAct } from './charter-service.js';
import { lockEngagementRow, resolveAndLock } from './engagement-lifecycle-service.js';
import { approvalRequested } from './follow-up.js';

export const STAGE_REVIEW = 'stage_review';

/**
 * The checkpoint a typed ref names: ST-n, or its SR-n from before checkpoints had their own
 * prefix (kept resolvable by migration 20261201150000).
 */
export async function findCheckpoint(
  db: Db | Trx,
  teamId: string,
  engagement: EngagementRow,
  typed: string,
) {
  const ref = normalizeRef(typed) ?? typed;
  const resolved = await resolveItemRef(db, teamId, engagement.id, ref);
  const checkpoints = await listStageCheckpoints(db, teamId, engagement.id);
  const index = checkpoints.findIndex((c) => c.ref === resolved.ref);
  const checkpoint = checkpoints[index];
  if (!checkpoint) {
    return notFound(
      `${engagementLabel(engagement.slug)} has no stage checkpoint ${ref}; \`/amos scope ${engagement.slug}\` lists them.`,
    );
  }
  return {
    checkpoint,
    previous: index > 0 ? checkpoints[index - 1] : undefined,
    typed: ref,
    aliasOf: resolved.aliasOf,
  };
}

/**
 * A partner submits the outcome of a stage checkpoint: a stage review SR-n, decided N of M by
 * executives who did not submit it. Recorded as `stage_review.submitted`.
 */
export async function submitStageOutcome(
  deps: ServiceDeps,
  request: {
    teamId: string;
    userId: string;
    slug?: string | undefined;
    channelId?: string | undefined;
    checkpointRef: string;
    outcome?: string;
  },
) {
  return runChange(deps, request.teamId, request.userId, async (change) => {
    const engagement = await resolveAndLock(change, request);
    await change.authorize('partner_act');
    await assertPartnerMayAct(change.trx, change.teamId, engagement, change.actor.userId);
    const { checkpoint } = await findCheckpoint(
      change.trx,
      change.teamId,
      engagement,
      request.checkpointRef,
    );
    const reviews = (await listStageReviews(change.trx, change.teamId, engagement.id)).filter(
      (r) => r.checkpoint_ref === checkpoint.ref,
    );
    const outcome = check(
      checkStageOutcome(
        checkpoint.ref,
        request.outcome,
        reviews.find((r) => r.status === 'pending')?.ref,
        reviews.find((r) => r.status === 'approved')?.ref,
      ),
    );
    const ref = await nextRef(change.trx, engagement, 'SR');
    const required = requiredApprovalsFor('stage_review', {
      requiredApprovals: engagement.required_approvals,
      subjectApprovals: engagement.subject_approvals,
    });
    const opened = check(openApprovalRequest(ref, required, [change.actor.userId]));
    const approval = await insertApprovalRequest(change.trx, {
      teamId: change.teamId,
      engagementId: engagement.id,
      subject: STAGE_REVIEW,
      request: opened,
      requestedBy: change.actor.userId,
      now: change.now,
    });
    await approvalRequested(change, {
      approvalRequestId: approval.id,
      sponsorIds: engagement.sponsor_ids,
    });
    await insertStageReview(change.trx, {
      team_id: change.teamId,
      engagement_id: engagement.id,
      ref,
      checkpoint_ref: checkpoint.ref,
      outcome,
      approval_request_id: approval.id,
      submitted_by: change.actor.userId,
      submitted_at: change.now,
    });
    await change.record({
      engagementId: engagement.id,
      kind: 'stage_review.submitted',
      subjectRef: ref,
      summary: `Stage review ${ref} of ${checkpoint.ref} (${checkpoint.name}) submitted; needs ${required} ${required === 1 ? 'approval' : 'approvals'}.`,
      details: {
        ref,
        checkpointRef: checkpoint.ref,
        outcome,
        approvalRequestId: approval.id,
        requiredApprovals: required,
      },
      capability: 'partner_act',
    });
    return {
      ref,
      checkpointRef: checkpoint.ref,
      approvalRequestId: approval.id,
      engagement: { id: engagement.id, slug: engagement.slug },
    };
  });
}

/** The deliverables of a stage review's scope items still waiting for review (DL refs). */
export async function stageWaitingDeliverables(
  change: Change,
  row: ApprovalRequestRow,
): Promise<string[]> {
  const review = await findStageReviewByApproval(change.trx, change.teamId, row.id);
  if (!review) return [];
  const checkpoints = await listStageCheckpoints(change.trx, change.teamId, row.engagement_id);
  const index = checkpoints.findIndex((c) => c.ref === review.checkpoint_ref);
  const checkpoint = checkpoints[index];
  if (!checkpoint) return [];
  const previous = index > 0 ? (checkpoints[index - 1]?.due_date ?? null) : null;
  const scope = await findScopeVersion(change.trx, change.teamId, row.engagement_id);
  const items = stageScopeItems({ dueDate: checkpoint.due_date }, previous, scope?.items ?? []);
  const deliverables = await listDeliverables(change.trx, change.teamId, row.engagement_id);
  return waitingDeliverables(items, deliverables.map(toDeliverableFacts));
}

/** The effect of an approved stage review: its checkpoint passed, recorded as `stage.passed`. */
export async function passStage(
  change: Change,
  engagement: EngagementRow,
  row: ApprovalRequestRow,
): Promise<void> {
  const review = await findStageReviewByApproval(change.trx, change.teamId, row.id);
  if (!review) return;
  await lockEngagementRow(change, engagement.id);
  await change.record({
    engagementId: engagement.id,
    kind: 'stage.passed',
    subjectRef: review.checkpoint_ref,
    summary: `Stage checkpoint ${review.checkpoint_ref} passed its review ${review.ref}.`,
    details: { checkpointRef: review.checkpoint_ref, reviewRef: review.ref },
    capability: 'approve',
  });
}
