import type { ViewSubmitAction } from '@slack/bolt';
import { reviewDiagnostic } from '../../../services/diagnostic-service.js';
import type { SlackDeps } from '../../context.js';
import { DIAGNOSTIC_FORM } from '../../ids.js';
import { parseReviewTarget } from '../../inputs/diagnostic.js';
import { ModalValues } from '../../inputs/modal-values.js';
import { replyForError, viewErrorsFor } from '../../refusals.js';
import { perRequest } from '../../request-identity.js';
import { reviewDecisionDeps } from '../review-followup.js';
import type { ListenerRoutes } from '../routes.js';

const REASON = DIAGNOSTIC_FORM.reasonBlock;

/**
 * The Send back modal, bound to the version its button showed: without a reason, or when the
 * decision is refused (a newer version was submitted meanwhile, say), the error shows inline
 * and the typed reason stays; otherwise the engagement returns to draft, pending approval
 * requests are withdrawn, and the reviewer and operator are told.
 */
export function registerSendBackView(app: ListenerRoutes, deps: SlackDeps): void {
  app.view<ViewSubmitAction>(
    DIAGNOSTIC_FORM.sendBackCallbackId,
    perRequest(deps, async ({ ack, body, view, context }, deps) => {
      const teamId = context.teamId ?? body.team?.id ?? view.team_id;
      const userId = body.user.id;
      const target = parseReviewTarget(view.private_metadata);
      const reason = new ModalValues(view.state.values, DIAGNOSTIC_FORM.inputAction).text(
        REASON,
        'lines',
      );
      if (!target) {
        await ack({
          response_action: 'errors',
          errors: { [REASON]: 'This form is out of date. Type `/amos review` again.' },
        });
        return;
      }
      try {
        await reviewDiagnostic(
          reviewDecisionDeps(deps.services.deps, userId, reason, { receipt: true }),
          {
            teamId,
            userId,
            target: { engagementId: target.engagementId },
            decision: 'send_back',
            text: reason,
            expectedVersion: target.version,
          },
        );
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
    }),
  );
}
