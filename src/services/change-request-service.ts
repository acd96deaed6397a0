import { type ApprovalRequestRow, insertApprovalRequest } from '../db/approval-repository.js';
import { type EngagementRow, nextRef } from '../db/engagement-repository.js';
import {
  applyScopeVersionToItems,
  findChangeRequestByApproval,
  findScopeVersion,
  insertChangeRequest,
  insertScopeVersion,
  isScopeVersionStored,
  setChangeRequestScopeVersion,
} from '../db/governed-delivery-repository.js';
import { requiredApprovalsFor } from '../domain/approval-subjects.js';
import { openApprovalRequest } from '../domain/approvals.js';
import {
  type ChangeRequestInput,
  checkChangeRequestAllowed,
  validateChangeRequest,
} from '../domain/change-request.js';
import type { Stage } from '../domain/engagement.js';
import type { ReminderSettings } from '../domain/reminders.js';
import { can } from '../domain/roles.js';
import { amendScope } from '../domain/scope-version.js';
import { loadActor } from './actor-service.js';
import { type Change, check, notFound, runChange, type ServiceDeps } from './change.js';
import { assertPartnerMayAct } from './charter-service.js';
import { resolveAndLock, resolveEngagement } from './engagement-lifecycle-service.js';
import { approvalRequested, scopeAmended } from './follow-up.js';
import { actorWith } from './read-access.js';
import { rescheduleScopeDueDates } from './scheduler-service.js';

export const CHANGE_REQUEST = 'change_request';

export interface RaiseChangeRequest extends ChangeRequestInput {
  teamId: string;
  userId: string;
  slug?: string | undefined;
  channelId?: string | undefined;
}

/**
 * Raises a change request CR-n: by a partner who may act on the engagement (member, charter
 * acknowledged, active) or by an operator while it is active. In one transaction: the request,
 * its N-of-M approval request (the raiser may never vote on it) and `change_request.raised`.
 */
export async function raiseChangeRequest(deps: ServiceDeps, request: RaiseChangeRequest) {
  return runChange(deps, request.teamId, request.userId, async (change) => {
    const engagement = await resolveAndLock(change, request);
    await checkMayRaise(change, engagement);
    const scope = await findScopeVersion(change.trx, change.teamId, engagement.id);
    const draft = check(
      validateChangeRequest(request, scope?.items.map((i) => i.ref) ?? [], change.now),
    );
    const ref = await nextRef(change.trx, engagement, 'CR');
    const required = requiredApprovalsFor('change_request', {
      requiredApprovals: engagement.required_approvals,
      subjectApprovals: engagement.subject_approvals,
    });
    const opened = check(openApprovalRequest(ref, required, [change.actor.userId]));
    const approval = await insertApprovalRequest(change.trx, {
      teamId: change.teamId,
      engagementId: engagement.id,
      subject: CHANGE_REQUEST,
      request: opened,
      requestedBy: change.actor.userId,
      now: change.now,
    });
    await insertChangeRequest(change.trx, {
      team_id: change.teamId,
      engagement_id: engagement.id,
      ref,
      type: draft.type,
      description: draft.description,
      impact: draft.impact,
      rationale: draft.rationale,
      amendment: {
        add: draft.amendment.add.map((a) => ({ ...a, criteria: [...a.criteria] })),
        amend: draft.amendment.amend.map((a) => ({
          ref: a.ref,
          ...(a.title !== undefined ? { title: a.title } : {}),
          ...(a.criteria !== undefined ? { criteria: [...a.criteria] } : {}),
          ...(a.dueDate !== undefined ? { dueDate: a.dueDate } : {}),
        })),
      },
      approval_request_id: approval.id,
      raised_by: change.actor.userId,
      raised_at: change.now,
    });
    await approvalRequested(change, {
      approvalRequestId: approval.id,
      sponsorIds: engagement.sponsor_ids,
    });
    const items = draft.amendment.add.length + draft.amendment.amend.length;
    await change.record({
      engagementId: engagement.id,
      kind: 'change_request.raised',
      subjectRef: ref,
      summary: `Change request ${ref} (${draft.type}) raised: ${draft.description}${draft.type === 'scope' ? ` (${items} scope ${items === 1 ? 'item' : 'items'})` : ''}; needs ${required} ${required === 1 ? 'approval' : 'approvals'}.`,
      details: {
        ref,
        type: draft.type,
        description: draft.description,
        impact: draft.impact,
        rationale: draft.rationale,
        amendment: draft.amendment,
        approvalRequestId: approval.id,
        requiredApprovals: required,
        scopeVersion: scope?.version ?? 1,
      },
      capability: can(change.actor, 'partner_act') ? 'partner_act' : 'define_requirements',
    });
    return {
      ref,
      approvalRequestId: approval.id,
      engagement: { id: engagement.id, slug: engagement.slug, name: engagement.name },
      sponsorIds: engagement.sponsor_ids,
      requiredApprovals: required,
    };
  });
}

/** Partners go through the one partner check; operators may raise while the engagement is active. */
async function checkMayRaise(change: Change, engagement: EngagementRow): Promise<void> {
  if (can(change.actor, 'define_requirements')) {
    check(checkChangeRequestAllowed({ slug: engagement.slug, stage: engagement.stage as Stage }));
    return;
  }
  await change.authorize('partner_act');
  await assertPartnerMayAct(change.trx, change.teamId, engagement, change.actor.userId);
}

/**
 * The effect of an approved change request, inside the vote's transaction: its amendment (scope
 * changes only) becomes the next scope version, the previous one is stored and stays readable,
 * the scope items follow, and `scope.amended` is recorded. Other types change no scope.
 */
export async function amendScopeFromChangeRequest(
  change: Change,
  engagement: EngagementRow,
  approval: ApprovalRequestRow,
  reminders?: ReminderSettings,
): Promise<void> {
  const cr = await findChangeRequestByApproval(change.trx, change.teamId, approval.id);
  if (cr?.type !== 'scope') return;
  const current = await findScopeVersion(change.trx, change.teamId, engagement.id);
  if (!current) return;
  if (!(await isScopeVersionStored(change.trx, change.teamId, engagement.id, current.version))) {
    // Version 1 lives in the scope items until now: store it as approved before they change.
    await insertScopeVersion(change.trx, {
      teamId: change.teamId,
      engagementId: engagement.id,
      version: current,
      by: change.actor.userId,
      now: change.now,
    });
  }
  const newRefs: string[] = [];
  for (const _ of cr.amendment.add) newRefs.push(await nextRef(change.trx, engagement, 'SC'));
  const amended = check(amendScope(current, cr.amendment, cr.ref, newRefs));
  await insertScopeVersion(change.trx, {
    teamId: change.teamId,
    engagementId: engagement.id,
    version: amended.version,
    by: change.actor.userId,
    now: change.now,
  });
  await applyScopeVersionToItems(change.trx, {
    teamId: change.teamId,
    engagementId: engagement.id,
    version: amended.version,
    added: amended.added,
    amended: amended.amended,
    authorId: cr.raised_by,
    now: change.now,
  });
  if (reminders) {
    // Due moments follow the dates: an item added, or one whose date moved, is reminded anew.
    const before = new Map(current.items.map((i) => [i.ref, i.dueDate]));
    const moved = amended.version.items
      .filter((i) => amended.added.includes(i.ref) || before.get(i.ref) !== i.dueDate)
      .map((i) => i.ref);
    await rescheduleScopeDueDates(
      change.trx,
      {
        teamId: change.teamId,
        id: engagement.id,
        operatorId: engagement.operator_id,
        stage: engagement.stage,
      },
      moved,
      reminders,
      change.now,
    );
  }
  await setChangeRequestScopeVersion(change.trx, cr, amended.version.version);
  await scopeAmended(change, cr.id);
  const parts = [
    amended.added.length > 0 ? `added ${amended.added.join(', ')}` : '',
    amended.amended.length > 0 ? `changed ${amended.amended.join(', ')}` : '',
  ].filter(Boolean);
  await change.record({
    engagementId: engagement.id,
    kind: 'scope.amended',
    subjectRef: cr.ref,
    summary: `Scope version ${amended.version.version} made by ${cr.ref}: ${parts.join('; ')}.`,
    details: {
      changeRef: cr.ref,
      previousVersion: current.version,
      version: amended.version.version,
      added: amended.added,
      amended: amended.amended,
      items: amended.version.items,
    },
    capability: 'approve',
  });
}

/**
 * What the change request form needs, after the same checks the raise makes (read only): the
 * engagement and its current scope version, or a refusal saying why this person can't raise one.
 */
export async function changeRequestForm(
  deps: ServiceDeps,
  target: {
    teamId: string;
    userId: string;
    slug?: string | undefined;
    channelId?: string | undefined;
  },
) {
  const engagement = await resolveEngagement(deps.db, target.teamId, target.slug, target.channelId);
  const actor = await loadActor(deps.db, target.teamId, target.userId, deps.admins);
  if (can(actor, 'define_requirements')) {
    check(checkChangeRequestAllowed({ slug: engagement.slug, stage: engagement.stage as Stage }));
  } else {
    await actorWith(deps, target.teamId, target.userId, 'partner_act');
    await assertPartnerMayAct(deps.db, target.teamId, engagement, target.userId);
  }
  const scope = await findScopeVersion(deps.db, target.teamId, engagement.id);
  return {
    engagement: { id: engagement.id, slug: engagement.slug },
    scope: scope ?? { version: 1, items: [], changeRef: null },
  };
}

/** Scope version `version` of an engagement (latest when absent), with the latest number; read only. */
export async function viewScopeVersion(
  deps: ServiceDeps,
  target: {
    teamId: string;
    userId: string;
    slug?: string | undefined;
    channelId?: string | undefined;
    version?: number;
  },
) {
  await actorWith(deps, target.teamId, target.userId, 'view_engagement');
  const engagement = await resolveEngagement(deps.db, target.teamId, target.slug, target.channelId);
  const latest = await findScopeVersion(deps.db, target.teamId, engagement.id);
  const scope =
    target.version === undefined
      ? latest
      : await findScopeVersion(deps.db, target.teamId, engagement.id, target.version);
  if (!scope) {
    return notFound(
      `${engagement.slug.toUpperCase()} has no scope version ${target.version}; the current one is ${latest?.version ?? 1}.`,
    );
  }
  return {
    engagement: { id: engagement.id, slug: engagement.slug },
    scope,
    latest: latest?.version ?? 1,
  };
}

/**
 * What the partner channel is told once a change request is approved (read from committed
 * state, so a retried notice shows the same): the channel, the CR and the items it added or
 * changed as its scope version holds them. Undefined when there is nothing to tell.
 */
export async function scopeAmendmentNotice(
  deps: Pick<ServiceDeps, 'db'>,
  teamId: string,
  changeRequestId: string,
) {
  const cr = await deps.db
    .selectFrom('change_request')
    .innerJoin('engagement', 'engagement.id', 'change_request.engagement_id')
    .selectAll('change_request')
    .select(['engagement.slug', 'engagement.partner_channel_id'])
    .where('change_request.team_id', '=', teamId)
    .where('engagement.team_id', '=', teamId)
    .where('change_request.id', '=', changeRequestId)
    .executeTakeFirst();
  if (!cr?.scope_version || !cr.partner_channel_id) return undefined;
  const version = await findScopeVersion(deps.db, teamId, cr.engagement_id, cr.scope_version);
  if (!version) return undefined;
  const amendedRefs = new Set(cr.amendment.amend.map((a) => a.ref));
  const previous = await findScopeVersion(deps.db, teamId, cr.engagement_id, cr.scope_version - 1);
  const before = new Set(previous?.items.map((i) => i.ref) ?? []);
  return {
    engagementId: cr.engagement_id,
    channelId: cr.partner_channel_id,
    slug: cr.slug,
    raisedBy: cr.raised_by,
    changeRef: cr.ref,
    description: cr.description,
    version: version.version,
    added: version.items.filter((i) => !before.has(i.ref)),
    amended: version.items.filter((i) => amendedRefs.has(i.ref)),
  };
}
