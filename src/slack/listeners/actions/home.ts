import type { BlockAction, ButtonAction } from '@slack/bolt';
import { deliverableForReview } from '../../../services/deliverable-service.js';
import { noticeModal } from '../../blocks/approval-replies.js';
import { reviewModal } from '../../blocks/governed-delivery.js';
import type { SlackDeps } from '../../context.js';
import { HOME } from '../../ids.js';
import { replyForError } from '../../refusals.js';
import type { ListenerRoutes } from '../routes.js';

/**
 * App Home's "Review" button next to a deliverable waiting for review: opens the review modal
 * (one met / not met row per acceptance criterion), as `/amos deliver <slug> review DL-n` does;
 * a refusal (no right to review, already reviewed) opens a notice instead.
 */
export function registerHomeActions(app: ListenerRoutes, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(
    HOME.reviewDeliverableAction,
    async ({ ack, body, action, client, context }) => {
      await ack();
      const [slug = '', ref = ''] = (action.value ?? '').split(' ');
      try {
        const shown = await deliverableForReview(deps.services.deps, {
          teamId: context.teamId ?? body.team?.id ?? '',
          userId: body.user.id,
          slug,
          ref,
        });
        await client.views.open({
          trigger_id: body.trigger_id,
          view: reviewModal(
            { slug: shown.engagement.slug, ref: shown.ref, version: shown.version },
            shown,
          ),
        });
      } catch (error) {
        const text = replyForError(deps.logger, error, 'home review button');
        await client.views.open({ trigger_id: body.trigger_id, view: noticeModal('Review', text) });
      }
    },
  );
}
