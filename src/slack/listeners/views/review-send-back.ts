import type { App } from '@slack/bolt';
import { type ReviewDecision, reviewDiagnostic } from '../../../services/diagnostic-service.js';
import { reviewDecisionMessage } from '../../blocks/diagnostic.js';
import type { SlackDeps } from '../../context.js';
import { DIAGNOSTIC_FORM } from '../../ids.js';
import { ModalValues, parseEngagementMetadata } from '../../inputs/modal-values.js';
import { replyForError, viewErrorsFor } from '../../refusals.js';
import { announceReviewDecision, directMessage } from '../engagement-notices.js';

const REASON = DIAGNOSTIC_FORM.reasonBlock;

/**
 * The Send back modal: without a reason (or when the decision is refused) the error shows
 * inline; otherwise the engagement returns to draft, and the reviewer and operator are told.
 */
export function registerSendBackView(app: App, deps: SlackDeps): void {
  app.view(DIAGNOSTIC_FORM.sendBackCallbackId, async ({ ack, body, view, client, context }) => {
    const teamId = context.teamId ?? body.team?.id ?? view.team_id;
    const userId = body.user.id;
    const engagementId = parseEngagementMetadata(view.private_metadata);
    const reason = new ModalValues(view.state.values, DIAGNOSTIC_FORM.inputAction)
      .text(REASON)
      .trim();
    if (!engagementId) {
      await ack({
        response_action: 'errors',
        errors: { [REASON]: 'This form is out of date. Type `/amos review` again.' },
      });
      return;
    }
    let decision: ReviewDecision;
    try {
      decision = await reviewDiagnostic(deps.services.deps, {
        teamId,
        userId,
        target: { engagementId },
        decision: 'send_back',
        text: reason,
      });
    } catch (error) {
      await ack(
        viewErrorsFor(error, { reason: REASON }, REASON) ?? {
          response_action: 'errors',
          errors: { [REASON]: replyForError(deps.logger, error, 'send back') },
        },
      );
      return;
    }
    await ack();
    const message = reviewDecisionMessage(decision, userId, reason);
    await directMessage(client, deps, [userId], message, 'send back receipt');
    await announceReviewDecision(client, deps, decision, userId, reason);
  });
}
