import type { BlockButtonAction } from '@slack/bolt';
import { linkChannelForm } from '../../../services/engagement-service.js';
import { linkChannelModal } from '../../blocks/new-engagement.js';
import type { SlackDeps } from '../../context.js';
import { NEW_ENGAGEMENT } from '../../ids.js';
import { replyForError } from '../../refusals.js';
import type { ListenerRoutes } from '../routes.js';

/**
 * The *Link partner channel* button (in the creator's DM when no channel could be created):
 * opens the link-a-channel modal, or says why not (no right, already linked).
 */
export function registerLinkChannelAction(app: ListenerRoutes, deps: SlackDeps): void {
  app.action<BlockButtonAction>(
    NEW_ENGAGEMENT.linkChannelAction,
    async ({ ack, body, action, client, context, respond }) => {
      await ack();
      try {
        const { engagement } = await linkChannelForm(deps.services.deps, {
          teamId: context.teamId ?? body.team?.id ?? '',
          userId: body.user.id,
          engagementId: action.value ?? '',
        });
        await client.views.open({
          trigger_id: body.trigger_id,
          view: linkChannelModal(engagement),
        });
      } catch (error) {
        const text = replyForError(deps.logger, error, 'link channel button');
        await respond({ response_type: 'ephemeral', replace_original: false, text });
      }
    },
  );
}
