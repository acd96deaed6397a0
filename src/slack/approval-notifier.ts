import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logger.js';
import type { DecideOutcome } from '../services/approval-service.js';
import {
  type ApprovalView,
  loadApprovalView,
  rememberApprovalCopy,
} from '../services/approval-view-service.js';
import type { ServiceDeps } from '../services/change.js';
import { recordSlackError } from '../services/slack-error-service.js';
import { approvalMessage, requesterNotice } from './blocks/approval.js';
import type { SubmitDelivery } from './blocks/scope.js';
import { publishHomes } from './home-publisher.js';

// Web API calls about approval requests, always after the change committed. A failed call is
// logged (no message bodies) and reported back, never thrown: the decision itself stands. A DM
// that could not be delivered is also recorded as `slack.error` in the decision record.

function slackError(error: unknown): string {
  const data = (error as { data?: { error?: unknown } }).data;
  if (typeof data?.error === 'string') return data.error;
  return error instanceof Error ? error.message : String(error);
}

/**
 * DMs the request to every sponsor of its engagement (authors get a copy without buttons) and
 * stores each copy, so every one of them can be updated in place when the request is decided.
 */
export async function sendApprovalRequest(
  client: WebClient,
  deps: ServiceDeps,
  logger: Logger,
  teamId: string,
  approvalRequestId: string,
): Promise<SubmitDelivery> {
  const view = await loadApprovalView(deps, teamId, approvalRequestId);
  const sent: string[] = [];
  const failed: { userId: string; error: string }[] = [];
  if (!view) return { sent, failed };
  for (const userId of new Set(view.engagement.sponsorIds)) {
    try {
      const posted = await client.chat.postMessage({
        channel: userId,
        ...approvalMessage(view, userId),
      });
      if (!posted.channel || !posted.ts) throw new Error('chat.postMessage returned no channel/ts');
      await rememberApprovalCopy(deps, {
        teamId,
        approvalRequestId,
        channelId: posted.channel,
        ts: posted.ts,
        recipientId: userId,
      });
      sent.push(userId);
    } catch (error) {
      const code = slackError(error);
      logger.warn({ ref: view.ref, recipient: userId, error: code }, 'approval DM not delivered');
      failed.push({ userId, error: code });
      await recordDeliveryFailure(deps, logger, view, {
        userId: view.requestedBy,
        error: code,
        attempted: `DM the approval request ${view.ref} to <@${userId}>`,
        recipientId: userId,
      });
    }
  }
  await publishHomes(client, deps, logger, teamId, view.engagement.sponsorIds);
  return { sent, failed };
}

/** Re-renders every stored copy of the request in place (same channel and ts) as it stands now. */
export async function refreshApprovalCopies(
  client: WebClient,
  deps: ServiceDeps,
  logger: Logger,
  teamId: string,
  approvalRequestId: string,
): Promise<ApprovalView | undefined> {
  const view = await loadApprovalView(deps, teamId, approvalRequestId);
  if (!view) return undefined;
  await Promise.all(
    view.copies.map(async (copy) => {
      try {
        await client.chat.update({
          channel: copy.channelId,
          ts: copy.ts,
          ...approvalMessage(view, copy.recipientId),
        });
      } catch (error) {
        logger.warn(
          { ref: view.ref, channel: copy.channelId, ts: copy.ts, error: slackError(error) },
          'approval copy not updated',
        );
      }
    }),
  );
  return view;
}

/**
 * Everything that follows a vote: every copy updated in place, and once the request is
 * decided the requester told by DM (who, when, why). Returns the request as it now stands.
 */
export async function afterDecision(
  client: WebClient,
  deps: ServiceDeps,
  logger: Logger,
  teamId: string,
  outcome: DecideOutcome,
): Promise<ApprovalView | undefined> {
  const view = await refreshApprovalCopies(client, deps, logger, teamId, outcome.approvalRequestId);
  // App Home shows the request too: republish it for everyone who could see it there.
  if (view) await publishHomes(client, deps, logger, teamId, view.engagement.sponsorIds);
  if (view && outcome.kind === 'voted' && outcome.completed) {
    try {
      await client.chat.postMessage({ channel: view.requestedBy, ...requesterNotice(view) });
    } catch (error) {
      const code = slackError(error);
      logger.warn(
        { ref: view.ref, recipient: view.requestedBy, error: code },
        'requester not told of the decision',
      );
      await recordDeliveryFailure(deps, logger, view, {
        userId: view.requestedBy,
        error: code,
        attempted: `tell <@${view.requestedBy}> that ${view.ref} was ${view.status}`,
        recipientId: view.requestedBy,
      });
    }
  }
  return view;
}

/** True when the clicked message is one of the request's stored copies (a DM), not a list. */
export function isStoredCopy(
  view: ApprovalView | undefined,
  channelId: string | undefined,
  ts: string | undefined,
): boolean {
  return Boolean(view?.copies.some((c) => c.channelId === channelId && c.ts === ts));
}

async function recordDeliveryFailure(
  deps: ServiceDeps,
  logger: Logger,
  view: ApprovalView,
  failure: { userId: string; error: string; attempted: string; recipientId: string },
): Promise<void> {
  try {
    await recordSlackError(deps, {
      teamId: view.teamId,
      userId: failure.userId,
      engagementId: view.engagement.id,
      method: 'chat.postMessage',
      error: failure.error,
      attempted: failure.attempted,
      details: { ref: view.ref, user: failure.recipientId },
    });
  } catch (error) {
    logger.error({ ref: view.ref, err: String(error) }, 'could not record a slack.error');
  }
}
