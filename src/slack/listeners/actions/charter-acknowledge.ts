import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { acknowledgeCharter } from '../../../services/charter-service.js';
import { charterAckConfirmation, charterAckMessage } from '../../blocks/activation.js';
import type { SlackDeps } from '../../context.js';
import { ACTIVATION } from '../../ids.js';
import { parseCharterAckValue } from '../../inputs/activation.js';
import { replyForError } from '../../refusals.js';
import { attempt } from '../../slack-error-reporter.js';

/**
 * "I acknowledge the charter": records the clicker's acknowledgement (partner members of the
 * engagement only; a second click changes nothing), confirms it to them privately, and updates
 * the request message in place to show who has acknowledged.
 */
export function registerCharterAcknowledge(app: App, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(
    ACTIVATION.charterAckAction,
    async ({ ack, body, action, respond, client, context }) => {
      await ack();
      const teamId = context.teamId ?? body.team?.id ?? '';
      const userId = body.user.id;
      const ephemeral = (text: string) =>
        respond({ response_type: 'ephemeral', replace_original: false, text });
      const engagementId = parseCharterAckValue(action.value);
      if (!engagementId) {
        await ephemeral(
          'This button is no longer valid. Ask the operator to post the charter again.',
        );
        return;
      }
      let result: Awaited<ReturnType<typeof acknowledgeCharter>>;
      try {
        result = await acknowledgeCharter(deps.services.deps, { teamId, userId, engagementId });
      } catch (error) {
        await ephemeral(replyForError(deps.logger, error, 'charter acknowledge'));
        return;
      }
      await ephemeral(charterAckConfirmation(result.engagement.slug, result.acknowledged));
      const channel = body.container?.channel_id ?? body.channel?.id;
      const ts = body.container?.message_ts ?? body.message?.ts;
      if (!result.acknowledged || !channel || !ts) return;
      const message = charterAckMessage({
        engagementId: result.engagement.id,
        slug: result.engagement.slug,
        memberIds: result.memberIds,
        acks: result.acks,
      });
      const updated = await attempt(() => client.chat.update({ channel, ts, ...message }));
      if (!updated.ok) {
        deps.logger.warn(
          { teamId, engagementId, error: updated.error },
          'could not update the charter acknowledgement message',
        );
      }
    },
  );
}
