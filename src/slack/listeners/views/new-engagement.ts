import type { App, ViewSubmitAction } from '@slack/bolt';
import {
  type CreateEngagementResult,
  createEngagement,
} from '../../../services/engagement-service.js';
import { engagementCreatedMessage } from '../../blocks/new-engagement.js';
import type { SlackDeps } from '../../context.js';
import { NEW_ENGAGEMENT } from '../../ids.js';
import { NEW_ENGAGEMENT_FIELD_BLOCKS, parseNewEngagement } from '../../inputs/new-engagement.js';
import { checkLinkedChannel, createPartnerChannel } from '../../partner-channel-setup.js';
import { replyForError, viewErrorsFor } from '../../refusals.js';
import { perRequest } from '../../request-identity.js';
import { directMessage } from '../engagement-notices.js';

const FIRST_BLOCK = NEW_ENGAGEMENT.blocks.name;

/**
 * The `/amos new` submission: input errors (a bad or taken slug, N > M, ...) come back inline
 * with nothing stored; otherwise the engagement is created and the modal closes, then the
 * partner channel is created or checked and the creator gets the summary with the next step.
 */
export function registerNewEngagementView(app: App, deps: SlackDeps): void {
  app.view<ViewSubmitAction>(
    NEW_ENGAGEMENT.callbackId,
    perRequest(deps, async ({ ack, body, view, client, context }, deps) => {
      const teamId = context.teamId ?? body.team?.id ?? view.team_id;
      const userId = body.user.id;
      const parsed = parseNewEngagement(view.state.values);
      if (!parsed.ok) {
        await ack({ response_action: 'errors', errors: parsed.errors });
        return;
      }
      let result: CreateEngagementResult;
      try {
        result = await createEngagement(deps.services.deps, { teamId, userId, spec: parsed.spec });
      } catch (error) {
        await ack(
          viewErrorsFor(error, NEW_ENGAGEMENT_FIELD_BLOCKS, FIRST_BLOCK) ?? {
            response_action: 'errors',
            errors: { [FIRST_BLOCK]: replyForError(deps.logger, error, 'new engagement') },
          },
        );
        return;
      }
      await ack();
      if (result.status === 'duplicate') return;
      const { engagement } = result;
      const target = {
        teamId,
        userId,
        engagement,
        ...(context.botUserId ? { botUserId: context.botUserId } : {}),
      };
      let channelId = engagement.partner_channel_id;
      let channelNote: string | undefined;
      try {
        if (result.channelToCreate) {
          channelId = await createPartnerChannel(client, deps, target, result.channelToCreate);
        } else if (channelId) {
          channelNote = await checkLinkedChannel(client, deps, target, channelId);
        }
      } catch (error) {
        channelId = null;
        channelNote = replyForError(deps.logger, error, 'new engagement channel');
      }
      const summary = engagementCreatedMessage({
        engagement,
        partnerOrgName: result.partnerOrgName,
        channelId,
        ...(channelNote ? { channelNote } : {}),
      });
      // The summary is the creator's receipt: if Slack refuses it, record it and tell the operator.
      await directMessage(client, deps, [userId], summary, 'new engagement summary', {
        teamId,
        actorId: userId,
        engagement: { id: engagement.id, slug: engagement.slug },
        about: `that ${engagement.slug} was created and what to do next`,
        manualFix: () => `Run \`/amos status ${engagement.slug}\` for the next step.`,
        reportTo: [engagement.operator_id],
      });
    }),
  );
}
