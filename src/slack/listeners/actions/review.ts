import type { App, BlockButtonAction } from '@slack/bolt';
import { reviewDiagnostic } from '../../../services/diagnostic-service.js';
import { reviewDecisionMessage, sendBackModal } from '../../blocks/diagnostic.js';
import type { SlackDeps } from '../../context.js';
import { DIAGNOSTIC_FORM } from '../../ids.js';
import { parseEngagementRef } from '../../inputs/modal-values.js';
import { replyForError } from '../../refusals.js';
import { announceReviewDecision } from '../engagement-notices.js';

/**
 * The Confirm and Send back buttons under a Diagnostic shown by `/amos review`. Confirm decides
 * at once and replaces the message with the outcome; Send back opens the reason modal.
 */
export function registerReviewActions(app: App, deps: SlackDeps): void {
  app.action<BlockButtonAction>(
    DIAGNOSTIC_FORM.confirmAction,
    async ({ ack, body, action, client, context, respond }) => {
      await ack();
      const teamId = context.teamId ?? body.team?.id ?? '';
      const userId = body.user.id;
      try {
        const decision = await reviewDiagnostic(deps.services.deps, {
          teamId,
          userId,
          target: { engagementId: parseEngagementRef(action.value)?.engagementId ?? '' },
          decision: 'confirm',
        });
        await respond({ replace_original: true, ...reviewDecisionMessage(decision, userId) });
        await announceReviewDecision(client, deps, decision, userId, undefined);
      } catch (error) {
        const text = replyForError(deps.logger, error, 'review confirm');
        await respond({ response_type: 'ephemeral', replace_original: false, text });
      }
    },
  );
  app.action<BlockButtonAction>(
    DIAGNOSTIC_FORM.sendBackAction,
    async ({ ack, body, action, client, respond }) => {
      await ack();
      const ref = parseEngagementRef(action.value);
      if (!ref) {
        const text = 'This button is out of date. Type `/amos review <slug>` again.';
        await respond({ response_type: 'ephemeral', replace_original: false, text });
        return;
      }
      await client.views.open({
        trigger_id: body.trigger_id,
        view: sendBackModal({ id: ref.engagementId, slug: ref.slug ?? '' }),
      });
    },
  );
}
