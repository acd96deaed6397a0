import type { BlockAction, ButtonAction } from '@slack/bolt';
import { retryActivationSetup } from '../../../services/activation-service.js';
import type { SlackDeps } from '../../context.js';
import { ACTIVATION } from '../../ids.js';
import { parseRetryValue } from '../../inputs/activation.js';
import { replyForError } from '../../refusals.js';
import { perRequest } from '../../request-identity.js';
import type { ListenerRoutes } from '../routes.js';

/**
 * "Retry the set-up" in an activation failure DM: redoes the Slack steps that did not work
 * (executives or the engagement's operator, while it is active), as a job committed with the
 * retry's record; a new failure is reported again by that job.
 */
export function registerActivationRetry(app: ListenerRoutes, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(
    ACTIVATION.retrySetupAction,
    perRequest(deps, async ({ ack, body, action, respond, context }, deps) => {
      const teamId = context.teamId ?? body.team?.id ?? '';
      const ephemeral = (text: string) =>
        respond({ response_type: 'ephemeral', replace_original: false, text });
      const retry = parseRetryValue(action.value);
      if (!retry) {
        await ack();
        await ephemeral('This button is no longer valid; nothing was retried.');
        return;
      }
      let acked = false;
      try {
        const activation = await retryActivationSetup(deps.services.deps, {
          teamId,
          userId: body.user.id,
          engagementId: retry.engagementId,
          steps: retry.steps,
        });
        // The retry is recorded: only now is Slack told the click was received.
        acked = true;
        await ack();
        await ephemeral(
          `The partner channel set-up of ${activation.engagement.slug.toUpperCase()} is being redone; if Slack still refuses a step, a new message says what to do.`,
        );
      } catch (error) {
        if (!acked) await ack();
        await ephemeral(replyForError(deps.logger, error, 'activation retry'));
      }
    }),
  );
}
