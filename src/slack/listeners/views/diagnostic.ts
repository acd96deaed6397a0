import type { ViewSubmitAction } from '@slack/bolt';
import {
  type DiagnosticSubmission,
  submitDiagnostic,
} from '../../../services/diagnostic-service.js';
import { diagnosticReceipt } from '../../blocks/diagnostic.js';
import type { SlackDeps } from '../../context.js';
import { DIAGNOSTIC_FORM } from '../../ids.js';
import { DIAGNOSTIC_FIELD_BLOCKS, parseDiagnostic } from '../../inputs/diagnostic.js';
import { parseEngagementMetadata } from '../../inputs/modal-values.js';
import { replyForError, viewErrorsFor } from '../../refusals.js';
import { perRequest } from '../../request-identity.js';
import { diagnosticAwaitsReviewNotice, withNotices } from '../engagement-notices.js';
import type { ListenerRoutes } from '../routes.js';

const FIRST_BLOCK = DIAGNOSTIC_FORM.blocks.priorities;

/**
 * The System Entry submission: bad input (a score of 140, no priority) comes back inline naming
 * the line, nothing stored; otherwise the version is stored and recorded, the modal closes, the
 * sponsors learn that it waits on their review, and the submitter gets a receipt.
 */
export function registerDiagnosticView(app: ListenerRoutes, deps: SlackDeps): void {
  app.view<ViewSubmitAction>(
    DIAGNOSTIC_FORM.callbackId,
    perRequest(deps, async ({ ack, body, view, context }, deps) => {
      const teamId = context.teamId ?? body.team?.id ?? view.team_id;
      const userId = body.user.id;
      const engagementId = parseEngagementMetadata(view.private_metadata);
      if (!engagementId) {
        await ack({
          response_action: 'errors',
          errors: {
            [FIRST_BLOCK]: 'This form is out of date. Close it and type `/amos diagnostic` again.',
          },
        });
        return;
      }
      const parsed = parseDiagnostic(view.state.values);
      if (!parsed.ok) {
        await ack({ response_action: 'errors', errors: parsed.errors });
        return;
      }
      try {
        // The sponsors' notices and the submitter's receipt are jobs committed with it.
        const notices = withNotices<DiagnosticSubmission>(deps.services.deps, (result) => [
          ...diagnosticAwaitsReviewNotice({ teamId, authorId: userId, result }),
          { userIds: [userId], message: diagnosticReceipt(result.engagement.slug, result) },
        ]);
        await submitDiagnostic(notices, {
          teamId,
          userId,
          engagementId,
          content: parsed.content,
        });
      } catch (error) {
        await ack(
          viewErrorsFor(error, DIAGNOSTIC_FIELD_BLOCKS, FIRST_BLOCK) ?? {
            response_action: 'errors',
            errors: { [FIRST_BLOCK]: replyForError(deps.logger, error, 'diagnostic') },
          },
        );
        return;
      }
      await ack();
    }),
  );
}
