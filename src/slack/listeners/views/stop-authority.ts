import type { ViewSubmitAction } from '@slack/bolt';
import { stopWork } from '../../../services/stop-authority-service.js';
import { noticeModal } from '../../blocks/approval-replies.js';
import { stopReply } from '../../blocks/stop-authority.js';
import type { SlackDeps } from '../../context.js';
import { STOP } from '../../ids.js';
import { ModalValues } from '../../inputs/modal-values.js';
import { replyForError, viewErrorsFor } from '../../refusals.js';
import { perRequest } from '../../request-identity.js';
import { stopDecisionDeps } from '../engagement-notices.js';
import type { ListenerRoutes } from '../routes.js';

const REASON = STOP.reasonBlock;

/**
 * The Pause modal (opened by the Pause button): the engagement is paused with the reason typed,
 * by the executive who submits it; a refusal (no reason, no longer active, no right to pause)
 * shows inline and the typed reason stays.
 */
export function registerStopViews(app: ListenerRoutes, deps: SlackDeps): void {
  app.view<ViewSubmitAction>(
    STOP.pauseModal,
    perRequest(deps, async ({ ack, body, view, context }, deps) => {
      const teamId = context.teamId ?? body.team?.id ?? view.team_id;
      const reason = new ModalValues(view.state.values, STOP.inputAction).text(REASON, 'lines');
      let outcome: Awaited<ReturnType<typeof stopWork>>;
      try {
        outcome = await stopWork(stopDecisionDeps(deps.services.deps), {
          teamId,
          userId: body.user.id,
          action: 'pause',
          target: { engagementId: view.private_metadata },
          reason,
        });
      } catch (error) {
        await ack(
          viewErrorsFor(error, { reason: REASON }, REASON) ?? {
            response_action: 'errors',
            errors: { [REASON]: replyForError(deps.logger, error, 'pause modal') },
          },
        );
        return;
      }
      // Committed: the modal turns into the outcome.
      await ack({ response_action: 'update', view: noticeModal('Paused', stopReply(outcome)) });
    }),
  );
}
