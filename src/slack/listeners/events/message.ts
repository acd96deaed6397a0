import type { App } from '@slack/bolt';
import { handlePartnerMessage } from '../../../services/gating-service.js';
import { partnerMessageNotice } from '../../blocks/gating.js';
import type { SlackDeps } from '../../context.js';
import { unexpectedFailure } from '../../errors.js';
import { ACTIVATION } from '../../ids.js';
import { attempt, reportSlackFailures } from '../../slack-error-reporter.js';

/**
 * A plain message from a partner user in a gated partner channel gets an ephemeral notice
 * (stage, what must happen next) and a `boundary.partner_message` record. Bot messages, edits,
 * joins and other subtypes are ignored; the text is never read or stored.
 */
export function registerGatedMessage(app: App, deps: SlackDeps): void {
  app.event(ACTIVATION.messageEvent, async ({ event, client, context }) => {
    if (event.subtype !== undefined || ('bot_id' in event && event.bot_id)) return;
    const userId = 'user' in event ? event.user : undefined;
    const teamId = context.teamId;
    if (!teamId || !userId || userId === context.botUserId) return;
    if (event.channel_type !== 'channel' && event.channel_type !== 'group') return;
    try {
      const boundary = await handlePartnerMessage(deps.services.deps, {
        teamId,
        channelId: event.channel,
        userId,
      });
      if (!boundary) return;
      const { slug, partnerChannelId: channel, operatorId, id } = boundary.engagement;
      const sent = await attempt(() =>
        client.chat.postEphemeral({
          channel,
          user: userId,
          text: partnerMessageNotice(slug, boundary.reason),
        }),
      );
      if (sent.ok) return;
      await reportSlackFailures(client, deps, {
        teamId,
        actorId: userId,
        engagement: { id, slug },
        recipients: [operatorId],
        steps: [
          {
            method: 'chat.postEphemeral',
            error: sent.error,
            attempted: `tell partner <@${userId}> that <#${channel}> is gated`,
            manualFix: `Tell <@${userId}> the channel is not open for partner work yet.`,
            channelId: channel,
            userId,
          },
        ],
      });
    } catch (error) {
      unexpectedFailure(deps.logger, error, ACTIVATION.messageEvent);
    }
  });
}
