import type { Change } from './change.js';

// The follow-up jobs services enqueue in their change's transaction (their handlers are in
// src/jobs/, registered in src/jobs/index.ts under these names). Each helper names the job's
// key: what makes it unique.

export const JOB = {
  sendApprovalRequest: 'send-approval-request',
  updateApprovalCopies: 'update-approval-copies',
  notifyRequester: 'notify-requester',
  publishHome: 'publish-home',
  notifyRoleChange: 'notify-role-change',
  reportSlackFailure: 'report-slack-failure',
  setUpPartnerChannel: 'set-up-partner-channel',
  enforceChannelGate: 'enforce-channel-gate',
  notifyScopeAmended: 'notify-scope-amended',
  sendNotice: 'send-notice',
} as const;

/** A new approval request: one DM per sponsor, and App Home refreshed for everyone it concerns. */
export async function approvalRequested(
  change: Change,
  request: { approvalRequestId: string; sponsorIds: readonly string[] },
): Promise<void> {
  const { teamId } = change;
  for (const userId of new Set(request.sponsorIds)) {
    await change.enqueue(
      JOB.sendApprovalRequest,
      { teamId, approvalRequestId: request.approvalRequestId, userId },
      { key: `${request.approvalRequestId}:${userId}` },
    );
  }
  await approvalMoved(change, { approvalRequestId: request.approvalRequestId, decided: false });
}

/**
 * An approval request changed (a vote, a decision, a withdrawal, a new request): every copy
 * re-rendered in place and App Home refreshed for those it changed; once decided, the
 * requester told. A vote that did not decide (`voterId` given) changes the voter's Home (one
 * request fewer waiting on them) and the Homes that show the request's tally; anything else
 * changes the list or count of everyone the request waits on.
 */
export async function approvalMoved(
  change: Change,
  request: { approvalRequestId: string; decided: boolean; voterId?: string },
): Promise<void> {
  const { teamId } = change;
  const { approvalRequestId } = request;
  if (request.voterId && !request.decided) {
    await change.enqueue(
      JOB.updateApprovalCopies,
      { teamId, approvalRequestId, homes: 'shown' },
      { key: approvalRequestId },
    );
    await change.enqueue(
      JOB.publishHome,
      { teamId, userId: request.voterId },
      { key: `home:${request.voterId}` },
    );
  } else {
    await change.enqueue(
      JOB.updateApprovalCopies,
      { teamId, approvalRequestId, homes: false },
      { key: approvalRequestId },
    );
    await change.enqueue(
      JOB.updateApprovalCopies,
      { teamId, approvalRequestId, homes: true, copies: false },
      { key: `${approvalRequestId}:homes` },
    );
  }
  if (request.decided) {
    await change.enqueue(
      JOB.notifyRequester,
      { teamId, approvalRequestId },
      { key: approvalRequestId },
    );
  }
}

/** A role granted or revoked: the person told by DM. Key: the record's place in the chain. */
export async function roleChanged(
  change: Change,
  notice: { action: 'grant' | 'revoke'; userId: string; role: string; recordSeq: number },
): Promise<void> {
  if (notice.userId === change.actor.userId) return;
  await change.enqueue(
    JOB.notifyRoleChange,
    {
      teamId: change.teamId,
      action: notice.action,
      userId: notice.userId,
      role: notice.role,
      actorId: change.actor.userId,
    },
    { key: `${notice.action}:${notice.recordSeq}` },
  );
}

/** A change request approved: the partner channel told what changed. Key: the change request. */
export async function scopeAmended(change: Change, changeRequestId: string): Promise<void> {
  await change.enqueue(
    JOB.notifyScopeAmended,
    { teamId: change.teamId, changeRequestId },
    { key: changeRequestId },
  );
}

/**
 * Partner Activation committed (or its set-up retried): the partner channel set up in Slack,
 * only the `steps` given. Key: the engagement and the record that asked for it.
 */
export async function partnerChannelSetUp(
  change: Change,
  setUp: { engagementId: string; steps: readonly string[]; recordSeq: number },
): Promise<void> {
  await change.enqueue(
    JOB.setUpPartnerChannel,
    {
      teamId: change.teamId,
      engagementId: setUp.engagementId,
      actorId: change.actor.userId,
      steps: [...setUp.steps],
    },
    { key: `${setUp.engagementId}:${setUp.recordSeq}` },
  );
}
