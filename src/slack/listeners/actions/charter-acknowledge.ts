import type { BlockAction, ButtonAction } from '@slack/bolt';
import { acknowledgeCharter } from '../../../services/charter-service.js';
import { charterAckConfirmation } from '../../blocks/activation.js';
import type { SlackDeps } from '../../context.js';
import { ACTIVATION } from '../../ids.js';
import { parseCharterAckValue } from '../../inputs/activation.js';
import { replyForError } from '../../refusals.js';
import { perRequest } from '../../request-identity.js';
import type { ListenerRoutes } from '../routes.js';

/**
 * "I acknowledge the charter": records the clicker's acknowledgement (partner members of the
 * engagement only; a second click changes nothing) with the `update-charter-ack` job that
 * updates the request message in place to show who has acknowledged, and confirms it to them
 * privately.
 */
export function registerCharterAcknowledge(app: ListenerRoutes, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(
    ACTIVATION.charterAckAction,
    perRequest(deps, async ({ ack, body, action, respond, context }, deps) => {
      const teamId = context.teamId ?? body.team?.id ?? '';
      const userId = body.user.id;
      const ephemeral = (text: string) =>
        respond({ response_type: 'ephemeral', replace_original: false, text });
      const engagementId = parseCharterAckValue(action.value);
      if (!engagementId) {
        await ack();
        await ephemeral(
          'This button is no longer valid. Ask the operator to post the charter again.',
        );
        return;
      }
      const channelId = body.container?.channel_id ?? body.channel?.id;
      const ts = body.container?.message_ts ?? body.message?.ts;
      let result: Awaited<ReturnType<typeof acknowledgeCharter>>;
      try {
        result = await acknowledgeCharter(deps.services.deps, {
          teamId,
          userId,
          engagementId,
          ...(channelId && ts
            ? {
                shownIn: {
                  channelId,
                  ts,
                  ...(body.response_url ? { responseUrl: body.response_url } : {}),
                },
              }
            : {}),
        });
      } catch (error) {
        await ack();
        await ephemeral(replyForError(deps.logger, error, 'charter acknowledge'));
        return;
      }
      // The acknowledgement (and the job updating the request in place) is committed: only now
      // is Slack told the click was received.
      await ack();
      await ephemeral(charterAckConfirmation(result.engagement.slug, result.acknowledged));
    }),
  );
}
