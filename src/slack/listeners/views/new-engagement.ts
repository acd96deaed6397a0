import type { ViewSubmitAction } from '@slack/bolt';
import { createEngagement } from '../../../services/engagement-service.js';
import type { SlackDeps } from '../../context.js';
import { NEW_ENGAGEMENT } from '../../ids.js';
import { NEW_ENGAGEMENT_FIELD_BLOCKS, parseNewEngagement } from '../../inputs/new-engagement.js';
import { replyForError, viewErrorsFor } from '../../refusals.js';
import { perRequest } from '../../request-identity.js';
import type { ListenerRoutes } from '../routes.js';

const FIRST_BLOCK = NEW_ENGAGEMENT.blocks.name;

/**
 * The `/amos new` submission: input errors (a bad or taken slug, N > M, ...) come back inline
 * with nothing stored; otherwise the engagement is created and the modal closes. Creating (or
 * checking) the partner channel and the creator's summary DM are the prepare-partner-channel
 * job, committed with the engagement.
 */
export function registerNewEngagementView(app: ListenerRoutes, deps: SlackDeps): void {
  app.view<ViewSubmitAction>(
    NEW_ENGAGEMENT.callbackId,
    perRequest(deps, async ({ ack, body, view, context }, deps) => {
      const teamId = context.teamId ?? body.team?.id ?? view.team_id;
      const userId = body.user.id;
      const parsed = parseNewEngagement(view.state.values);
      if (!parsed.ok) {
        await ack({ response_action: 'errors', errors: parsed.errors });
        return;
      }
      try {
        await createEngagement(deps.services.deps, { teamId, userId, spec: parsed.spec });
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
    }),
  );
}
