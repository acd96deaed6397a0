import type { BlockAction, ButtonAction } from '@slack/bolt';
import { pauseForm } from '../../../services/stop-authority-service.js';
import { noticeModal } from '../../blocks/approval-replies.js';
import { pauseModal } from '../../blocks/stop-authority.js';
import type { SlackDeps } from '../../context.js';
import { STOP } from '../../ids.js';
import { replyForError } from '../../refusals.js';
import type { ListenerRoutes } from '../routes.js';

/**
 * The executive-only Pause button (value: the engagement id): the presser's right to pause is
 * checked first; anyone without it (a partner, an operator) is told so privately and nothing
 * opens or changes. An executive gets the reason modal; submitting it pauses.
 */
export function registerStopActions(app: ListenerRoutes, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(
    STOP.pauseEngagement,
    async ({ ack, body, action, client, respond, context }) => {
      await ack();
      const teamId = context.teamId ?? body.team?.id ?? '';
      try {
        const engagement = await pauseForm(deps.services.deps, {
          teamId,
          userId: body.user.id,
          engagementId: action.value ?? '',
        });
        await client.views.open({ trigger_id: body.trigger_id, view: pauseModal(engagement) });
      } catch (error) {
        const text = replyForError(deps.logger, error, 'pause button');
        // A button in a message answers in its conversation; one in App Home has no response_url.
        if (body.response_url) {
          await respond({ response_type: 'ephemeral', replace_original: false, text });
        } else {
          await client.views.open({
            trigger_id: body.trigger_id,
            view: noticeModal('Not paused', text),
          });
        }
      }
    },
  );
}
