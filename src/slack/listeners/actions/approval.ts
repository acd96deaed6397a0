import type { BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import { type DecideOutcome, decide } from '../../../services/approval-service.js';
import { checkMayVote, listWaiting } from '../../../services/approval-view-service.js';
import { afterDecision, isStoredCopy } from '../../approval-notifier.js';
import { rejectModal, voteReply, waitingList } from '../../blocks/approval-replies.js';
import type { SlackDeps } from '../../context.js';
import { APPROVAL } from '../../ids.js';
import type { RejectModalMetadata } from '../../inputs/approval.js';
import { replyForError } from '../../refusals.js';
import { perRequest } from '../../request-identity.js';
import type { ListenerRoutes } from '../routes.js';

/** Where a button was clicked: a stored copy (a DM) or an ephemeral list. */
export interface ClickOrigin {
  readonly teamId: string;
  readonly userId: string;
  readonly channelId: string | undefined;
  readonly messageTs: string | undefined;
  readonly responseUrl: string | undefined;
}

function originOf(body: BlockAction, teamId: string | undefined): ClickOrigin {
  return {
    teamId: teamId ?? body.team?.id ?? '',
    userId: body.user.id,
    channelId: body.container?.channel_id ?? body.channel?.id,
    messageTs: body.container?.message_ts ?? body.message?.ts,
    responseUrl: body.response_url,
  };
}

/**
 * After a decision from a button or the reject modal: every stored copy is updated in place
 * (the clicked DM is one of them); a click in the ephemeral "what waits on me" list replaces
 * that list, with what the vote did on top.
 */
export async function settleClick(
  deps: SlackDeps,
  origin: ClickOrigin,
  outcome: DecideOutcome,
  reply: (body: Record<string, unknown>) => Promise<unknown>,
): Promise<void> {
  const services = deps.services.deps;
  const view = await afterDecision(services, origin.teamId, outcome);
  const text = voteReply(outcome, view, origin.userId);
  if (isStoredCopy(view, origin.channelId, origin.messageTs)) {
    // The copy itself now shows the vote; only a vote that changed nothing needs a word.
    if (outcome.kind !== 'voted') {
      await reply({ response_type: 'ephemeral', replace_original: false, text });
    }
    return;
  }
  const waiting = await listWaiting(services, { teamId: origin.teamId, userId: origin.userId });
  await reply({
    response_type: 'ephemeral',
    replace_original: true,
    ...waitingList(waiting, { notice: text }),
  });
}

/** Replies through the click's response_url; a click without one (a view) gets no reply. */
const replier =
  (origin: ClickOrigin, respond: RespondFn) =>
  async (body: Record<string, unknown>): Promise<void> => {
    if (origin.responseUrl) await respond(body);
  };

const ephemeralError = (origin: ClickOrigin, respond: RespondFn, text: string) =>
  replier(origin, respond)({ response_type: 'ephemeral', replace_original: false, text });

/** Approve (acts at once) and Reject (asks why in a modal) on every copy and list item. */
export function registerApprovalActions(app: ListenerRoutes, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(
    APPROVAL.approveAction,
    perRequest(deps, async ({ ack, body, action, respond, context }, deps) => {
      const origin = originOf(body, context.teamId);
      let outcome: DecideOutcome;
      try {
        outcome = await decide(deps.services.deps, {
          teamId: origin.teamId,
          userId: origin.userId,
          approvalRequestId: action.value ?? '',
          decision: 'approve',
        });
      } catch (error) {
        await ack();
        await ephemeralError(origin, respond, replyForError(deps.logger, error, 'approve button'));
        return;
      }
      // The vote is committed: only now is Slack told the click was received.
      await ack();
      await settleClick(deps, origin, outcome, replier(origin, respond));
    }),
  );

  app.action<BlockAction<ButtonAction>>(
    APPROVAL.rejectAction,
    async ({ ack, body, action, respond, client, context }) => {
      await ack();
      const origin = originOf(body, context.teamId);
      const approvalRequestId = action.value ?? '';
      try {
        const may = await checkMayVote(deps.services.deps, {
          teamId: origin.teamId,
          userId: origin.userId,
          approvalRequestId,
        });
        if (!may.ok) {
          const outcome = {
            kind: may.kind,
            approvalRequestId,
            ref: may.view.ref,
            slug: may.view.engagement.slug,
            message: may.message,
          } as const;
          await settleClick(deps, origin, outcome, replier(origin, respond));
          return;
        }
        const metadata: RejectModalMetadata = {
          id: approvalRequestId,
          ...(origin.channelId ? { channelId: origin.channelId } : {}),
          ...(origin.messageTs ? { messageTs: origin.messageTs } : {}),
          ...(origin.responseUrl ? { responseUrl: origin.responseUrl } : {}),
        };
        await client.views.open({
          trigger_id: body.trigger_id,
          view: rejectModal(may.view, JSON.stringify(metadata)),
        });
      } catch (error) {
        await ephemeralError(origin, respond, replyForError(deps.logger, error, 'reject button'));
      }
    },
  );
}
