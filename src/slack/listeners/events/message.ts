import type { App } from '@slack/bolt';
import { handlePartnerMessage } from '../../../services/gating-service.js';
import type { SlackDeps } from '../../context.js';
import { eventListener } from '../../event-ack.js';
import { ACTIVATION } from '../../ids.js';

/**
 * A plain message from a partner user in a gated partner channel gets a `boundary.partner_message`
 * record and, by the notify-gated-partner job, an ephemeral notice (stage, what must happen next). Bot messages, edits,
 * joins and other subtypes are ignored; the text is never read or stored.
 */
export function registerGatedMessage(app: App, deps: SlackDeps): void {
  app.event(
    ACTIVATION.messageEvent,
    eventListener(deps, ACTIVATION.messageEvent, async ({ event, context }, deps) => {
      if (event.subtype !== undefined || ('bot_id' in event && event.bot_id)) return;
      const userId = 'user' in event ? event.user : undefined;
      const teamId = context.teamId;
      if (!teamId || !userId || userId === context.botUserId) return;
      if (event.channel_type !== 'channel' && event.channel_type !== 'group') return;
      // The boundary record and the partner's notice (a job) commit together.
      await handlePartnerMessage(deps.services.deps, { teamId, channelId: event.channel, userId });
    }),
  );
}
