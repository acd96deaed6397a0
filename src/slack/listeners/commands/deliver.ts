import { deliverableForm, deliverableForReview } from '../../../services/deliverable-service.js';
import { deliverableModal, reviewModal } from '../../blocks/governed-delivery.js';
import { COMMAND_HELP } from '../../command-help.js';
import { parseDeliverArgs } from '../../inputs/governed-delivery.js';
import type { Subcommand } from './subcommand.js';

/**
 * `/amos deliver [slug]` (partners): the deliverable modal, whose only items are the open ones of
 * the current approved scope version. `/amos deliver [slug] review DL-n` (operators, executives):
 * the review modal, one met / not met row per acceptance criterion.
 */
export const deliver: Subcommand = {
  ...COMMAND_HELP.deliver,
  async run({ args, command, teamId, userId, ack, client, deps }) {
    const parsed = parseDeliverArgs(args);
    const target = { teamId, userId, slug: parsed.slug, channelId: command.channel_id };
    await ack();
    if (parsed.review) {
      const shown = await deliverableForReview(deps.services.deps, {
        ...target,
        ref: parsed.review,
      });
      await client.views.open({
        trigger_id: command.trigger_id,
        view: reviewModal(
          {
            slug: shown.engagement.slug,
            responseUrl: command.response_url,
            ref: shown.ref,
            version: shown.version,
          },
          shown,
        ),
      });
      return;
    }
    const form = await deliverableForm(deps.services.deps, target);
    await client.views.open({
      trigger_id: command.trigger_id,
      view: deliverableModal(
        { slug: form.engagement.slug, responseUrl: command.response_url },
        form.scope,
        form.open,
      ),
    });
  },
};
