import {
  type ApprovalCopyRow,
  type ApprovalEngagementRow,
  type ApprovalItemRow,
  type ApprovalStageRow,
  listRequestDetailsOf,
  listWaitingApprovals,
} from '../db/approval-list-repository.js';
import {
  type ApprovalRequestRow,
  findApprovalWithEngagement,
  insertApprovalMessage,
  toApprovalRequest,
} from '../db/approval-repository.js';
import { type ApprovalStatus, approverIds, castVote, type Vote } from '../domain/approvals.js';
import { engagementLabel, type Stage } from '../domain/engagement.js';
import { parseRef } from '../domain/refs.js';
import type { Actor } from '../domain/roles.js';
import { check, notFound, type ServiceDeps } from './change.js';
import { actorWith } from './read-access.js';

/** Everything a Slack copy of an approval request shows, read after the change committed. */
export interface ApprovalView {
  readonly teamId: string;
  readonly id: string;
  readonly ref: string;
  readonly subject: string;
  readonly status: ApprovalStatus;
  readonly requiredApprovals: number;
  /** The requester and every author: they see the request but may not vote. */
  readonly requesterIds: readonly string[];
  readonly requestedBy: string;
  readonly requestedAt: Date;
  readonly decidedAt: Date | null;
  /** Who sent the Diagnostic outputs back when the request was withdrawn (status `withdrawn`). */
  readonly withdrawnBy?: string | null;
  /** Why it was withdrawn: null for a send-back, 'terminated' when the engagement was terminated. */
  readonly withdrawnReason?: string | null;
  readonly votes: readonly Vote[];
  readonly approverIds: readonly string[];
  readonly engagement: {
    readonly id: string;
    readonly slug: string;
    readonly label: string;
    readonly name: string;
    readonly client: string;
    readonly stage: Stage;
    readonly sponsorIds: readonly string[];
    readonly escalationLevel1: readonly string[];
  };
  readonly scopeItems: readonly {
    ref: string;
    title: string;
    dueDate: string | null;
    criteria: readonly string[];
  }[];
  readonly stages: readonly { ref: string; name: string; dueDate: string | null }[];
  /** Every stored Slack copy (DMs, posts), to update in place. */
  readonly copies: readonly { channelId: string; ts: string; recipientId: string | null }[];
}

const refNumber = (ref: string) => parseRef(ref)?.n ?? 0;

/** Builds the view from its rows (one request, or each of a list read in a few statements). */
function toApprovalView(
  teamId: string,
  row: ApprovalRequestRow,
  engagement: ApprovalEngagementRow,
  items: readonly ApprovalItemRow[],
  stages: readonly ApprovalStageRow[],
  copies: readonly ApprovalCopyRow[],
): ApprovalView {
  const request = toApprovalRequest(row);
  return {
    teamId,
    id: row.id,
    ref: row.ref,
    subject: row.subject,
    status: row.status,
    requiredApprovals: row.required_approvals,
    requesterIds: row.requester_ids,
    requestedBy: row.requested_by,
    requestedAt: row.requested_at,
    decidedAt: row.decided_at,
    withdrawnBy: row.withdrawn_by,
    withdrawnReason: row.withdrawn_reason ?? null,
    votes: request.votes,
    approverIds: approverIds(request),
    engagement: {
      id: engagement.id,
      slug: engagement.slug,
      label: engagementLabel(engagement.slug),
      name: engagement.name,
      client: engagement.client,
      stage: engagement.stage as Stage,
      sponsorIds: engagement.sponsor_ids,
      escalationLevel1: engagement.escalation_path.level1,
    },
    scopeItems: [...items]
      .sort((a, b) => refNumber(a.ref) - refNumber(b.ref))
      .map((i) => ({ ref: i.ref, title: i.title, dueDate: i.due_date, criteria: i.criteria })),
    stages: stages.map((s) => ({ ref: s.ref, name: s.name, dueDate: s.due_date })),
    copies: copies.map((c) => ({ channelId: c.channel_id, ts: c.ts, recipientId: c.recipient_id })),
  };
}

/** The request as its Slack copies show it, or undefined when it is not this workspace's. */
export async function loadApprovalView(
  deps: ServiceDeps,
  teamId: string,
  approvalRequestId: string,
): Promise<ApprovalView | undefined> {
  const found = await findApprovalWithEngagement(deps.db, teamId, approvalRequestId);
  if (!found) return undefined;
  const { request: row, engagement } = found;
  // Its engagement's scope items and checkpoints and its copies: one statement.
  const { items, stages, copies } = await listRequestDetailsOf(
    deps.db,
    teamId,
    [engagement.id],
    [row.id],
  );
  return toApprovalView(teamId, row, engagement, items, stages, copies);
}

/**
 * How many requests a list shows in full (each with its buttons: four blocks, so a message
 * stays within Block Kit's 50 blocks and App Home within its 100); the rest are counted.
 */
export const WAITING_LISTED = 10;

/** What waits on someone: the first requests, oldest first, and how many there are in all. */
export interface WaitingList {
  readonly views: readonly ApprovalView[];
  readonly total: number;
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(key(row));
    if (group) group.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
}

/**
 * What waits on the caller (executives and admins only): pending requests of the workspace
 * they did not request or author and have not voted on, oldest first; optionally one
 * engagement's. The first `limit` in full and the count of all, in three statements whatever
 * the number of pending requests (the actor, the requests, then their items, stages and copies).
 */
export async function listWaiting(
  deps: ServiceDeps,
  request: { teamId: string; userId: string; slug?: string | undefined; actor?: Actor },
  limit = WAITING_LISTED,
): Promise<WaitingList> {
  const { teamId, userId } = request;
  await actorWith(deps, teamId, userId, 'approve', request.actor);
  const { rows, total } = await listWaitingApprovals(deps.db, teamId, userId, {
    slug: request.slug?.toLowerCase(),
    limit,
  });
  if (rows.length === 0) return { views: [], total };
  const engagementIds = [...new Set(rows.map((r) => r.engagement.id))];
  const { items, stages, copies } = await listRequestDetailsOf(
    deps.db,
    teamId,
    engagementIds,
    rows.map((r) => r.request.id),
  );
  const itemsOf = groupBy(items, (i) => i.engagement_id);
  const stagesOf = groupBy(stages, (s) => s.engagement_id);
  const copiesOf = groupBy(copies, (c) => c.approval_request_id);
  const views = rows.map(({ request: row, engagement }) =>
    toApprovalView(
      teamId,
      row,
      engagement,
      itemsOf.get(engagement.id) ?? [],
      stagesOf.get(engagement.id) ?? [],
      copiesOf.get(row.id) ?? [],
    ),
  );
  return { views, total };
}

/** Remembers a Slack copy of a request (channel + ts), so every copy is updated when it is decided. */
export async function rememberApprovalCopy(
  deps: ServiceDeps,
  copy: {
    teamId: string;
    approvalRequestId: string;
    channelId: string;
    ts: string;
    recipientId: string | null;
  },
): Promise<void> {
  await insertApprovalMessage(deps.db, copy);
}

export type MayVote =
  | { readonly ok: true; readonly view: ApprovalView }
  | {
      readonly ok: false;
      readonly kind: 'already_decided' | 'already_voted';
      readonly message: string;
      readonly view: ApprovalView;
    };

/**
 * Whether the caller could vote on the request right now (nothing written), so a form is only
 * opened for someone who may use it. Role and separation-of-duties refusals are thrown.
 */
export async function checkMayVote(
  deps: ServiceDeps,
  request: { teamId: string; userId: string; approvalRequestId: string },
): Promise<MayVote> {
  const actor = await actorWith(deps, request.teamId, request.userId, 'approve');
  const view = await loadApprovalView(deps, request.teamId, request.approvalRequestId);
  if (!view) return notFound('That approval request no longer exists in this workspace.');
  const trial = castVote(
    {
      ref: view.ref,
      requiredApprovals: view.requiredApprovals,
      requesterIds: view.requesterIds,
      votes: view.votes,
      status: view.status,
    },
    actor,
    'approve',
    undefined,
    deps.clock.now(),
  );
  if (trial.ok) return { ok: true, view };
  const { code, message } = trial.refusal;
  if (code === 'already_decided' || code === 'already_voted') {
    return { ok: false, kind: code, message, view };
  }
  return check(trial);
}
