import { randomUUID } from 'node:crypto';
import { type Change, runChange, type ServiceDeps } from './change.js';

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
  sendGovernanceDm: 'send-governance-dm',
  updateGovernanceCopies: 'update-governance-copies',
  escalationDue: 'escalation-due',
  updateCharterAck: 'update-charter-ack',
  notifyGatedPartner: 'notify-gated-partner',
  sendExport: 'send-export',
  preparePartnerChannel: 'prepare-partner-channel',
  reconcileGates: 'reconcile-gates',
  closePartnerChannel: 'close-partner-channel',
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

/**
 * A charter acknowledgement committed from a click on the request message: that message is
 * re-rendered in place from the committed acknowledgements. Key: the message.
 */
export async function charterAckShown(
  change: Change,
  shown: { engagementId: string; channelId: string; ts: string; responseUrl?: string },
): Promise<void> {
  await change.enqueue(
    JOB.updateCharterAck,
    { teamId: change.teamId, actorId: change.actor.userId, ...shown },
    { key: `${shown.engagementId}:${shown.channelId}:${shown.ts}` },
  );
}

/** A person's App Home republished from the committed state (coalesced per person). */
export async function homeChanged(change: Change, userId: string): Promise<void> {
  await change.enqueue(
    JOB.publishHome,
    { teamId: change.teamId, userId },
    { key: `home:${userId}` },
  );
}

/**
 * Someone opened App Home: it is republished by the publish-home job (coalesced with any
 * publish already waiting for them), committed by a change that records nothing.
 */
export async function homeOpened(deps: ServiceDeps, teamId: string, userId: string): Promise<void> {
  await runChange(deps, teamId, userId, (change) => homeChanged(change, userId));
}

/**
 * `/amos export` asked for (executives, admins): the file is built and uploaded to the
 * requester's DM by the send-export job this commits; `responseUrl` hears how it went. Key: the
 * Slack request (a replay of it is refused before this commits), else a fresh id.
 */
export async function exportRequested(
  deps: ServiceDeps,
  request: {
    teamId: string;
    userId: string;
    engagementId: string | null;
    format: 'jsonl' | 'csv';
    responseUrl?: string;
  },
): Promise<void> {
  const { teamId, userId } = request;
  await runChange(deps, teamId, userId, async (change) => {
    await change.authorize('export_log');
    await change.enqueue(
      JOB.sendExport,
      {
        teamId,
        userId,
        engagementId: request.engagementId,
        format: request.format,
        ...(request.responseUrl ? { responseUrl: request.responseUrl } : {}),
      },
      { key: deps.request?.key ?? randomUUID() },
    );
  });
}

/**
 * An engagement created, or a channel asked for it later: its partner channel created (or the
 * linked one checked) in Slack and the asker sent the summary. Key: the engagement and what
 * asked for it (a record's seq, or the request).
 */
export async function partnerChannelPrepared(
  change: Change,
  prepare: {
    engagementId: string;
    channel: { kind: 'create'; name: string } | { kind: 'check'; channelId: string };
    summary: 'created' | 'linked';
    key: string;
  },
): Promise<void> {
  await change.enqueue(
    JOB.preparePartnerChannel,
    {
      teamId: change.teamId,
      engagementId: prepare.engagementId,
      userId: change.actor.userId,
      channel: prepare.channel,
      summary: prepare.summary,
    },
    { key: `${prepare.engagementId}:${prepare.key}` },
  );
}

/**
 * Something App Home shows changed for these people (what waits on them, an engagement's stage
 * or figures): each one's App Home republished by the coalesced publish-home job.
 */
export async function homesChanged(change: Change, userIds: Iterable<string>): Promise<void> {
  for (const userId of new Set(userIds)) {
    if (!userId) continue;
    await change.enqueue(
      JOB.publishHome,
      { teamId: change.teamId, userId },
      { key: `home:${userId}` },
    );
  }
}
