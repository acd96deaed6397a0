import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { acknowledgeCharter } from '../../../services/charter-service.js';
import { charterAckConfirmation, charterAckMessage } from '../../blocks/activation.js';
import type { SlackDeps } from '../../context.js';
import { ACTIVATION } from '../../ids.js';
import { parseCharterAckValue } from '../../inputs/activation.js';
import { replyForError } from '../../refusals.js';
import { perRequest } from '../../request-identity.js';
import { attempt, reportSlackFailures } from '../../slack-error-reporter.js';

/**
 * "I acknowledge the charter": records the clicker's acknowledgement (partner members of the
 * engagement only; a second click changes nothing), confirms it to them privately, and updates
 * the request message in place to show who has acknowledged. If Slack refuses that update, it
 * is recorded as a `slack.error` and the clicker is told.
 */
export function registerCharterAcknowledge(app: App, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(
    ACTIVATION.charterAckAction,
    perRequest(deps, async ({ ack, body, action, respond, client, context }, deps) => {
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
      let result: Awaited<ReturnType<typeof acknowledgeCharter>>;
      try {
        result = await acknowledgeCharter(deps.services.deps, { teamId, userId, engagementId });
      } catch (error) {
        await ack();
        await ephemeral(replyForError(deps.logger, error, 'charter acknowledge'));
        return;
      }
      // The acknowledgement is committed: only now is Slack told the click was received.
      await ack();
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
      if (updated.ok) return;
      // The acknowledgement itself is recorded; only the shared progress message is stale.
      const { slug } = result.engagement;
      await reportSlackFailures(client, deps, {
        teamId,
        actorId: userId,
        engagement: { id: result.engagement.id, slug },
        recipients: [],
        steps: [
          {
            method: 'chat.update',
            error: updated.error,
            attempted: `show <@${userId}>'s charter acknowledgement on the request in <#${channel}>`,
            manualFix: `Nothing is lost: the acknowledgement is recorded; \`/amos log ${slug}\` lists it.`,
            channelId: channel,
            userId,
          },
        ],
      });
      await ephemeral(
        `Slack did not let me update the acknowledgement message above (\`${updated.error}\`), so it may not show you yet. Your acknowledgement is recorded; this failure is too.`,
      );
    }),
  );
}
