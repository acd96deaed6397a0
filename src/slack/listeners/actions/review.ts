import type { BlockButtonAction } from '@slack/bolt';
import { type ReviewDecision, reviewDiagnostic } from '../../../services/diagnostic-service.js';
import { reviewDecisionMessage, sendBackModal } from '../../blocks/diagnostic.js';
import type { SlackDeps } from '../../context.js';
import { DIAGNOSTIC_FORM } from '../../ids.js';
import { parseReviewTarget } from '../../inputs/diagnostic.js';
import { replyForError } from '../../refusals.js';
import { perRequest } from '../../request-identity.js';
import { reviewDecisionDeps } from '../review-followup.js';
import type { ListenerRoutes } from '../routes.js';

const OUT_OF_DATE =
  'This button is out of date. Type `/amos review <slug>` to see the Diagnostic again.';

/**
 * The Confirm and Send back buttons under a Diagnostic shown by `/amos review`, each bound to
 * the version shown. Confirm decides at once and replaces the message with the outcome, or
 * says (without changing anything) that a newer version must be reviewed first; Send back
 * opens the reason modal for that version.
 */
export function registerReviewActions(app: ListenerRoutes, deps: SlackDeps): void {
  app.action<BlockButtonAction>(
    DIAGNOSTIC_FORM.confirmAction,
    perRequest(deps, async ({ ack, body, action, context, respond }, deps) => {
      const teamId = context.teamId ?? body.team?.id ?? '';
      const userId = body.user.id;
      const target = parseReviewTarget(action.value);
      if (!target) {
        await ack();
        await respond({ response_type: 'ephemeral', replace_original: false, text: OUT_OF_DATE });
        return;
      }
      let decision: ReviewDecision;
      try {
        decision = await reviewDiagnostic(
          reviewDecisionDeps(deps.services.deps, userId, undefined),
          {
            teamId,
            userId,
            target: { engagementId: target.engagementId },
            decision: 'confirm',
            expectedVersion: target.version,
          },
        );
      } catch (error) {
        await ack();
        const text = replyForError(deps.logger, error, 'review confirm');
        await respond({ response_type: 'ephemeral', replace_original: false, text });
        return;
      }
      // The decision is committed: only now is Slack told the click was received.
      await ack();
      await respond({ replace_original: true, ...reviewDecisionMessage(decision, userId) });
    }),
  );
  app.action<BlockButtonAction>(
    DIAGNOSTIC_FORM.sendBackAction,
    async ({ ack, body, action, client, respond }) => {
      await ack();
      const target = parseReviewTarget(action.value);
      if (!target) {
        await respond({ response_type: 'ephemeral', replace_original: false, text: OUT_OF_DATE });
        return;
      }
      await client.views.open({ trigger_id: body.trigger_id, view: sendBackModal(target) });
    },
  );
}
