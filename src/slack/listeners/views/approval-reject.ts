import type { ViewSubmitAction } from '@slack/bolt';
import { type DecideOutcome, decide } from '../../../services/approval-service.js';
import { loadApprovalView } from '../../../services/approval-view-service.js';
import { noticeModal, voteReply } from '../../blocks/approval-replies.js';
import type { SlackDeps } from '../../context.js';
import { unexpectedFailure } from '../../errors.js';
import { APPROVAL } from '../../ids.js';
import { parseRejectMetadata, parseRejectReason } from '../../inputs/approval.js';
import { viewErrorsFor } from '../../refusals.js';
import { perRequest } from '../../request-identity.js';
import { postToResponseUrl } from '../../response-url.js';
import { settleClick } from '../actions/approval.js';
import type { ListenerRoutes } from '../routes.js';

/**
 * The reject modal: the reason is required (inline error otherwise, nothing lost). A request
 * decided meanwhile turns the form into a notice of who decided; otherwise the modal closes and
 * every copy is updated in place, exactly as for the Approve button.
 */
export function registerApprovalRejectView(app: ListenerRoutes, deps: SlackDeps): void {
  app.view<ViewSubmitAction>(
    APPROVAL.rejectModal,
    perRequest(deps, async ({ ack, body, view, context }, deps) => {
      const metadata = parseRejectMetadata(view.private_metadata);
      const teamId = context.teamId ?? body.team?.id ?? '';
      const userId = body.user.id;
      if (!metadata) {
        await ack({
          response_action: 'errors',
          errors: {
            [APPROVAL.reasonBlock]: 'This form is out of date. Close it and use `/amos reject`.',
          },
        });
        return;
      }
      const reason = parseRejectReason(
        view.state.values,
        APPROVAL.reasonBlock,
        APPROVAL.reasonAction,
      );
      let outcome: DecideOutcome;
      try {
        outcome = await decide(deps.services.deps, {
          teamId,
          userId,
          approvalRequestId: metadata.id,
          decision: 'reject',
          note: reason,
        });
      } catch (error) {
        await ack(
          viewErrorsFor(error, { reason: APPROVAL.reasonBlock }, APPROVAL.reasonBlock) ?? {
            response_action: 'errors',
            errors: {
              [APPROVAL.reasonBlock]: unexpectedFailure(deps.logger, error, 'reject modal'),
            },
          },
        );
        return;
      }
      if (outcome.kind !== 'voted') {
        const current = await loadApprovalView(
          deps.services.deps,
          teamId,
          outcome.approvalRequestId,
        );
        await ack({
          response_action: 'update',
          view: noticeModal(`${outcome.ref} not changed`, voteReply(outcome, current, userId)),
        });
        return;
      }
      await ack();
      const origin = {
        teamId,
        userId,
        channelId: metadata.channelId,
        messageTs: metadata.messageTs,
        responseUrl: metadata.responseUrl,
      };
      await settleClick(deps, origin, outcome, (reply) =>
        postToResponseUrl(metadata.responseUrl, reply, deps.logger),
      );
    }),
  );
}
