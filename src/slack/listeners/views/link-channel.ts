import type { App, ViewSubmitAction } from '@slack/bolt';
import { linkChannelForm, linkPartnerChannel } from '../../../services/engagement-service.js';
import { channelLinkedMessage, linkChannelButton } from '../../blocks/new-engagement.js';
import { section } from '../../blocks/text.js';
import type { SlackDeps } from '../../context.js';
import { NEW_ENGAGEMENT } from '../../ids.js';
import { parseEngagementMetadata } from '../../inputs/modal-values.js';
import { NEW_ENGAGEMENT_FIELD_BLOCKS, parseChannelChoice } from '../../inputs/new-engagement.js';
import { checkLinkedChannel, createPartnerChannel } from '../../partner-channel-setup.js';
import { replyForError, viewErrorsFor } from '../../refusals.js';
import { perRequest } from '../../request-identity.js';
import { directMessage } from '../engagement-notices.js';

const B = NEW_ENGAGEMENT.blocks;

/**
 * The link-a-channel modal: an existing channel is linked before the modal closes (a channel
 * already used elsewhere comes back inline); a new one is created after, and the outcome DMed.
 */
export function registerLinkChannelView(app: App, deps: SlackDeps): void {
  app.view<ViewSubmitAction>(
    NEW_ENGAGEMENT.linkChannelCallbackId,
    perRequest(deps, async ({ ack, body, view, client, context }, deps) => {
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
      let engagement: Awaited<ReturnType<typeof linkChannelForm>>['engagement'];
      try {
        ({ engagement } = await linkChannelForm(deps.services.deps, {
          teamId,
          userId,
          engagementId,
        }));
        if (choice.kind === 'link') {
          await linkPartnerChannel(deps.services.deps, {
            teamId,
            userId,
            engagementId,
            channelId: choice.channelId,
            created: false,
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
      const target = {
        teamId,
        userId,
        engagement,
        ...(context.botUserId ? { botUserId: context.botUserId } : {}),
      };
      try {
        if (choice.kind === 'link') {
          const note = await checkLinkedChannel(client, deps, target, choice.channelId);
          const message = channelLinkedMessage(engagement.slug, choice.channelId, note);
          await directMessage(client, deps, [userId], message, 'channel linked');
          return;
        }
        const channelId = await createPartnerChannel(client, deps, target, choice.name);
        const message = channelId
          ? channelLinkedMessage(engagement.slug, channelId)
          : {
              text: 'Try again with another name, or pick an existing channel.',
              blocks: [
                section('Try again with another name, or pick an existing channel.'),
                linkChannelButton(engagement.id),
              ],
            };
        await directMessage(client, deps, [userId], message, 'channel linked');
      } catch (error) {
        const text = replyForError(deps.logger, error, 'link channel');
        await directMessage(
          client,
          deps,
          [userId],
          { text, blocks: [section(text)] },
          'link channel',
        );
      }
    }),
  );
}
