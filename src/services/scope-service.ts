import {
  type ApprovalRequestRow,
  findLatestApproval,
  findPendingApproval,
  insertApprovalRequest,
  toApprovalRequest,
} from '../db/approval-repository.js';
import {
  type EngagementRow,
  loadEngagementFacts,
  loadEngagementFactsAndPending,
  nextRef,
} from '../db/engagement-repository.js';
import {
  insertScopeItem,
  insertStageCheckpoint,
  listScopeItems,
  listStageCheckpoints,
} from '../db/scope-repository.js';
import { approverIds, openApprovalRequest } from '../domain/approvals.js';
import type { EngagementFacts } from '../domain/engagement.js';
import { executionRequirementsGaps } from '../domain/gates.js';
import { parseRef } from '../domain/refs.js';
import {
  checkRequirementsSubmittable,
  checkScopeEditable,
  checkUniqueName,
  validateScopeItem,
  validateStageCheckpoint,
} from '../domain/scope.js';
import { type Change, check, runChange, type ServiceDeps } from './change.js';
import { resolveAndLock, resolveEngagement } from './engagement-lifecycle-service.js';
import { approvalRequested } from './follow-up.js';
import { actorWith } from './read-access.js';
import { scheduleApprovalReminder } from './scheduler-service.js';

export const EXECUTION_REQUIREMENTS = 'execution_requirements';

/** Which engagement: a slug, else the partner channel the command was typed in. */
export interface EngagementTarget {
  teamId: string;
  userId: string;
  slug?: string | undefined;
  channelId?: string | undefined;
}

export interface ScopeOverview {
  readonly engagement: Pick<EngagementRow, 'id' | 'slug' | 'name' | 'client' | 'stage'>;
  readonly scopeItems: readonly {
    ref: string;
    title: string;
    dueDate: string | null;
    criteria: readonly string[];
  }[];
  readonly stages: readonly { ref: string; name: string; dueDate: string | null }[];
  /** Why the requirements can't be edited now (stage, pending request), or null. */
  readonly lockedReason: string | null;
  /** What the Execution Approval gate still needs; empty when ready to submit. */
  readonly gaps: readonly string[];
  /** The latest request for these requirements, if any. */
  readonly latestRequest: {
    readonly ref: string;
    readonly status: ApprovalRequestRow['status'];
    readonly approvals: number;
    readonly required: number;
    readonly rejection?: { readonly userId: string; readonly reason: string };
  } | null;
}

const byRefNumber = <T extends { ref: string }>(a: T, b: T) =>
  (parseRef(a.ref)?.n ?? 0) - (parseRef(b.ref)?.n ?? 0);

/** The execution requirements of an engagement as its operator sees them (read only). */
export async function viewScope(
  deps: ServiceDeps,
  target: EngagementTarget,
): Promise<ScopeOverview> {
  await actorWith(deps, target.teamId, target.userId, 'define_requirements');
  const engagement = await resolveEngagement(deps.db, target.teamId, target.slug, target.channelId);
  const [items, stages, facts, latest] = await Promise.all([
    listScopeItems(deps.db, target.teamId, engagement.id),
    listStageCheckpoints(deps.db, target.teamId, engagement.id),
    loadEngagementFacts(deps.db, engagement),
    findLatestApproval(deps.db, target.teamId, engagement.id, EXECUTION_REQUIREMENTS),
  ]);
  const pending = latest?.status === 'pending' ? latest.ref : undefined;
  const editable = checkScopeEditable(facts, pending);
  const request = latest ? toApprovalRequest(latest) : undefined;
  const rejection = request?.votes.find((v) => v.decision === 'reject');
  return {
    engagement,
    scopeItems: [...items].sort(byRefNumber).map((i) => ({
      ref: i.ref,
      title: i.title,
      dueDate: i.due_date,
      criteria: i.criteria,
    })),
    stages: stages.map((s) => ({ ref: s.ref, name: s.name, dueDate: s.due_date })),
    lockedReason: editable.ok ? null : editable.refusal.message,
    gaps: executionRequirementsGaps(withDraftRequirements(facts)),
    latestRequest:
      latest && request
        ? {
            ref: latest.ref,
            status: latest.status,
            approvals: approverIds(request).length,
            required: latest.required_approvals,
            ...(rejection?.note
              ? { rejection: { userId: rejection.userId, reason: rejection.note } }
              : {}),
          }
        : null,
  };
}

/** Refuses (politely, with what to do) unless the user may edit this engagement's requirements now. */
export async function checkScopeEditableFor(
  deps: ServiceDeps,
  target: EngagementTarget,
): Promise<Pick<EngagementRow, 'id' | 'slug' | 'name'>> {
  await actorWith(deps, target.teamId, target.userId, 'define_requirements');
  const engagement = await resolveEngagement(deps.db, target.teamId, target.slug, target.channelId);
  const pending = await findPendingApproval(
    deps.db,
    target.teamId,
    engagement.id,
    EXECUTION_REQUIREMENTS,
  );
  check(
    checkScopeEditable(
      { slug: engagement.slug, stage: engagement.stage as EngagementFacts['stage'] },
      pending?.ref,
    ),
  );
  return engagement;
}

/** Adds a scope item (SC-n) with its acceptance criteria and due date, recorded as `scope.item_added`. */
export async function addScopeItem(
  deps: ServiceDeps,
  request: EngagementTarget & { title?: string; criteria?: readonly string[]; dueDate?: string },
) {
  return runChange(deps, request.teamId, request.userId, async (change) => {
    await change.authorize('define_requirements');
    const locked = await lockEditable(change, request);
    const draft = check(validateScopeItem(request, change.now));
    // The facts hold every scope item of the locked engagement (read in this transaction).
    check(
      checkUniqueName(
        locked.facts.scopeItems.map((i) => ({ ref: i.ref, name: i.title })),
        draft.title,
        'title',
      ),
    );
    const ref = await nextRef(change.trx, locked.engagement, 'SC');
    const item = await insertScopeItem(change.trx, {
      teamId: change.teamId,
      engagementId: locked.engagement.id,
      ref,
      ...draft,
      authorId: change.actor.userId,
      now: change.now,
    });
    await change.record({
      engagementId: locked.engagement.id,
      kind: 'scope.item_added',
      subjectRef: ref,
      summary: `Scope item ${ref} added: ${draft.title} (due ${draft.dueDate}, ${draft.criteria.length} acceptance ${draft.criteria.length === 1 ? 'criterion' : 'criteria'}).`,
      details: { ref, title: draft.title, criteria: draft.criteria, dueDate: draft.dueDate },
      capability: 'define_requirements',
    });
    return { engagement: locked.engagement, ref: item.ref, title: item.title };
  });
}

/** Adds a stage checkpoint (ST-n) with its date, recorded as `scope.stage_added`. */
export async function addStageCheckpoint(
  deps: ServiceDeps,
  request: EngagementTarget & { name?: string; dueDate?: string },
) {
  return runChange(deps, request.teamId, request.userId, async (change) => {
    await change.authorize('define_requirements');
    const locked = await lockEditable(change, request);
    const draft = check(validateStageCheckpoint(request, change.now));
    check(checkUniqueName(locked.facts.stages, draft.name, 'name'));
    const ref = await nextRef(change.trx, locked.engagement, 'ST');
    await insertStageCheckpoint(change.trx, {
      teamId: change.teamId,
      engagementId: locked.engagement.id,
      ref,
      ...draft,
      authorId: change.actor.userId,
      now: change.now,
    });
    await change.record({
      engagementId: locked.engagement.id,
      kind: 'scope.stage_added',
      subjectRef: ref,
      summary: `Stage checkpoint ${ref} added: ${draft.name} on ${draft.dueDate}.`,
      details: { ref, name: draft.name, dueDate: draft.dueDate },
      capability: 'define_requirements',
    });
    return { engagement: locked.engagement, ref, name: draft.name };
  });
}

/**
 * Puts the execution requirements to the executives: checks the gate (every gap listed), opens
 * one N-of-M approval request EX-n whose requesters are the submitter and every author of the
 * scope items and checkpoints, and records `approval.requested`. At most one is pending.
 */
export async function submitRequirements(deps: ServiceDeps, request: EngagementTarget) {
  return runChange(deps, request.teamId, request.userId, async (change) => {
    await change.authorize('define_requirements');
    const engagement = await resolveAndLock(change, request);
    const locked = { engagement, facts: await loadEngagementFacts(change.trx, engagement) };
    const pendingRow = await findPendingApproval(
      change.trx,
      change.teamId,
      engagement.id,
      EXECUTION_REQUIREMENTS,
    );
    const pending = pendingRow
      ? {
          ref: pendingRow.ref,
          approvals: approverIds(toApprovalRequest(pendingRow)).length,
          required: pendingRow.required_approvals,
        }
      : undefined;
    check(checkRequirementsSubmittable(withDraftRequirements(locked.facts), pending));
    const [items, stages] = await Promise.all([
      listScopeItems(change.trx, change.teamId, engagement.id),
      listStageCheckpoints(change.trx, change.teamId, engagement.id),
    ]);
    const authors = [...items.map((i) => i.author_id), ...stages.map((s) => s.author_id)];
    const ref = await nextRef(change.trx, engagement, 'EX');
    const opened = check(
      openApprovalRequest(ref, engagement.required_approvals, [change.actor.userId, ...authors]),
    );
    const row = await insertApprovalRequest(change.trx, {
      teamId: change.teamId,
      engagementId: engagement.id,
      subject: EXECUTION_REQUIREMENTS,
      request: opened,
      requestedBy: change.actor.userId,
      now: change.now,
    });
    const scopeRefs = [...items].sort(byRefNumber).map((i) => i.ref);
    await change.record({
      engagementId: engagement.id,
      kind: 'approval.requested',
      subjectRef: ref,
      summary: `Execution requirements ${ref} submitted for approval (${scopeRefs.length} scope ${scopeRefs.length === 1 ? 'item' : 'items'}, ${stages.length} ${stages.length === 1 ? 'checkpoint' : 'checkpoints'}; needs ${opened.requiredApprovals} ${opened.requiredApprovals === 1 ? 'approval' : 'approvals'}).`,
      details: {
        ref,
        subject: EXECUTION_REQUIREMENTS,
        approvalRequestId: row.id,
        requiredApprovals: opened.requiredApprovals,
        requesterIds: opened.requesterIds,
        sponsorIds: engagement.sponsor_ids,
        scopeRefs,
        stageRefs: stages.map((s) => s.ref),
      },
      capability: 'define_requirements',
    });
    await approvalRequested(change, {
      approvalRequestId: row.id,
      sponsorIds: engagement.sponsor_ids,
    });
    if (deps.reminders) {
      await scheduleApprovalReminder(
        change.trx,
        {
          teamId: change.teamId,
          engagementId: engagement.id,
          approvalRequestId: row.id,
          requestedAt: change.now,
        },
        deps.reminders,
      );
    }
    return {
      approvalRequestId: row.id,
      ref,
      engagement: { id: engagement.id, slug: engagement.slug, name: engagement.name },
      sponsorIds: engagement.sponsor_ids,
      requesterIds: opened.requesterIds,
      requiredApprovals: opened.requiredApprovals,
    };
  });
}

/** Locks the engagement named by the request and refuses unless its requirements may change now. */
async function lockEditable(change: Change, target: EngagementTarget) {
  // The engagement found and locked, then its facts and its pending request: two statements.
  const engagement = await resolveAndLock(change, target);
  const { facts, pendingRequirementsRef } = await loadEngagementFactsAndPending(
    change.trx,
    engagement,
  );
  check(checkScopeEditable(facts, pendingRequirementsRef));
  return { engagement, facts };
}

/** Facts as they stand while requirements are drafted: the EX request is the one about to be opened. */
function withDraftRequirements(facts: EngagementFacts): EngagementFacts {
  return facts.requirements ? facts : { ...facts, requirements: { ref: 'EX', authorIds: [] } };
}
