import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logger.js';
import type { DecideOutcome } from '../services/approval-service.js';
import {
  type ApprovalView,
  loadApprovalView,
  rememberApprovalCopy,
} from '../services/approval-view-service.js';
import type { ServiceDeps } from '../services/change.js';
import { approvalHomeAudience } from '../services/home-service.js';
import {
  oneAtATime,
  queueKey,
  recordDeliveryFailure,
  renderUntilSettled,
  reportCopyFailures,
} from './approval-copies.js';
import { approvalMessage, requesterNotice } from './blocks/approval.js';
import type { SubmitDelivery } from './blocks/scope.js';
import { publishHomes } from './home-publisher.js';
import { slackErrorCode } from './slack-error-reporter.js';

// Web API calls about approval requests, always after the change committed. A failed call is
// logged (no message bodies) and reported back, never thrown: the decision itself stands. A DM
// that could not be delivered, or a copy that could not be updated, is also recorded as
// `slack.error` in the decision record and the requester is told. Everything that renders one
// request runs one at a time per request in this process (see approval-copies.ts for why and
// for several app instances).

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
  const sent: string[] = [];
  const failed: { userId: string; error: string }[] = [];
  const view = await oneAtATime(queueKey(teamId, approvalRequestId), async () => {
    const loaded = await loadApprovalView(deps, teamId, approvalRequestId);
    if (!loaded) return undefined;
    for (const userId of new Set(loaded.engagement.sponsorIds)) {
      try {
        const posted = await client.chat.postMessage({
          channel: userId,
          ...approvalMessage(loaded, userId),
        });
        if (!posted.channel || !posted.ts) {
          throw new Error('chat.postMessage returned no channel/ts');
        }
        await rememberApprovalCopy(deps, {
          teamId,
          approvalRequestId,
          channelId: posted.channel,
          ts: posted.ts,
          recipientId: userId,
        });
        sent.push(userId);
      } catch (error) {
        failed.push({ userId, error: slackErrorCode(error) });
      }
    }
    await republishHomes(client, deps, logger, loaded);
    return loaded;
  });
  if (!view) return { sent, failed };
  for (const { userId, error } of failed) {
    logger.warn({ ref: view.ref, recipient: userId, error }, 'approval DM not delivered');
    await recordDeliveryFailure(deps, logger, view, {
      method: 'chat.postMessage',
      error,
      attempted: `DM the approval request ${view.ref} to <@${userId}>`,
      details: { user: userId },
    });
  }
  return { sent, failed };
}

/**
 * Re-renders every stored copy of the request in place (same channel and ts) as it stands now,
 * after any render of the same request already under way; a copy Slack would not update is
 * recorded as `slack.error` and the requester is told.
 */
export async function refreshApprovalCopies(
  client: WebClient,
  deps: ServiceDeps,
  logger: Logger,
  teamId: string,
  approvalRequestId: string,
): Promise<ApprovalView | undefined> {
  const { view, failures } = await oneAtATime(queueKey(teamId, approvalRequestId), () =>
    renderUntilSettled(client, deps, logger, teamId, approvalRequestId),
  );
  if (view) await reportCopyFailures(client, deps, logger, view, failures);
  return view;
}

/**
 * Everything that follows a vote: every copy updated in place, App Home republished for
 * everyone it could show the request to, and once the request is decided the requester told
 * by DM (who, when, why). Returns the request as it now stands.
 */
export async function afterDecision(
  client: WebClient,
  deps: ServiceDeps,
  logger: Logger,
  teamId: string,
  outcome: DecideOutcome,
): Promise<ApprovalView | undefined> {
  const { view, failures } = await oneAtATime(
    queueKey(teamId, outcome.approvalRequestId),
    async () => {
      const refreshed = await renderUntilSettled(
        client,
        deps,
        logger,
        teamId,
        outcome.approvalRequestId,
      );
      if (refreshed.view) await republishHomes(client, deps, logger, refreshed.view);
      return refreshed;
    },
  );
  if (!view) return undefined;
  await reportCopyFailures(client, deps, logger, view, failures);
  if (outcome.kind === 'voted' && outcome.completed) {
    try {
      await client.chat.postMessage({ channel: view.requestedBy, ...requesterNotice(view) });
    } catch (error) {
      const code = slackErrorCode(error);
      logger.warn(
        { ref: view.ref, recipient: view.requestedBy, error: code },
        'requester not told of the decision',
      );
      await recordDeliveryFailure(deps, logger, view, {
        method: 'chat.postMessage',
        error: code,
        attempted: `tell <@${view.requestedBy}> that ${view.ref} was ${view.status}`,
        details: { user: view.requestedBy },
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

/** Republishes App Home for every executive and admin of the workspace and the sponsors. */
async function republishHomes(
  client: WebClient,
  deps: ServiceDeps,
  logger: Logger,
  view: ApprovalView,
): Promise<void> {
  let audience: readonly string[] = view.engagement.sponsorIds;
  try {
    audience = await approvalHomeAudience(deps, view.teamId, view.engagement.sponsorIds);
  } catch (error) {
    logger.error(
      { ref: view.ref, err: String(error) },
      'App Home audience not read; sponsors only',
    );
  }
  await publishHomes(client, deps, logger, view.teamId, audience);
}
