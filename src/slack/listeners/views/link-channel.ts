import type { ViewSubmitAction } from '@slack/bolt';
import {
  linkChannelForm,
  linkPartnerChannel,
  requestPartnerChannel,
} from '../../../services/engagement-service.js';
import type { SlackDeps } from '../../context.js';
import { NEW_ENGAGEMENT } from '../../ids.js';
import { parseEngagementMetadata } from '../../inputs/modal-values.js';
import { NEW_ENGAGEMENT_FIELD_BLOCKS, parseChannelChoice } from '../../inputs/new-engagement.js';
import { replyForError, viewErrorsFor } from '../../refusals.js';
import { perRequest } from '../../request-identity.js';
import type { ListenerRoutes } from '../routes.js';

const B = NEW_ENGAGEMENT.blocks;

/**
 * The link-a-channel modal: an existing channel is linked before the modal closes (a channel
 * already used elsewhere comes back inline); a new one is asked for. Checking or creating it in
 * Slack and the DM saying how it went are the prepare-partner-channel job.
 */
export function registerLinkChannelView(app: ListenerRoutes, deps: SlackDeps): void {
  app.view<ViewSubmitAction>(
    NEW_ENGAGEMENT.linkChannelCallbackId,
    perRequest(deps, async ({ ack, body, view, context }, deps) => {
      const teamId = context.teamId ?? body.team?.id ?? view.team_id;
      const userId = body.user.id;
      const engagementId = parseEngagementMetadata(view.private_metadata);
      const parsed = parseChannelChoice(view.state.values);
      if (!engagementId || !parsed.ok) {
        const errors = parsed.ok
          ? { [B.channelName]: 'This form is out of date. Close it and press the button again.' }
          : parsed.errors;
        await ack({ response_action: 'errors', errors });
        return;
      }
      const { choice } = parsed;
      try {
        await linkChannelForm(deps.services.deps, { teamId, userId, engagementId });
        // Either way the Slack side (check or create, the DM) is a job committed here.
        if (choice.kind === 'link') {
          await linkPartnerChannel(deps.services.deps, {
            teamId,
            userId,
            engagementId,
            channelId: choice.channelId,
            created: false,
          });
        } else {
          await requestPartnerChannel(deps.services.deps, {
            teamId,
            userId,
            engagementId,
            name: choice.name,
          });
        }
      } catch (error) {
        await ack(
          viewErrorsFor(error, NEW_ENGAGEMENT_FIELD_BLOCKS, B.channelName) ?? {
            response_action: 'errors',
            errors: { [B.channelName]: replyForError(deps.logger, error, 'link channel') },
          },
        );
        return;
      }
      await ack();
    }),
  );
}
