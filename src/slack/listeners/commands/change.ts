import { changeRequestForm } from '../../../services/change-request-service.js';
import { changeRequestModal } from '../../blocks/governed-delivery.js';
import { COMMAND_HELP } from '../../command-help.js';
import { parseChangeArgs } from '../../inputs/governed-delivery.js';
import type { Subcommand } from './subcommand.js';

/**
 * `/amos change [slug]` (partners who may act, operators of an active engagement): opens the
 * change request modal against the current scope version; a refusal says why.
 */
export const change: Subcommand = {
  ...COMMAND_HELP.change,
  async run({ args, command, teamId, userId, ack, client, deps }) {
    const parsed = parseChangeArgs(args);
    await ack();
    const form = await changeRequestForm(deps.services.deps, {
      teamId,
      userId,
      slug: parsed.slug,
      channelId: command.channel_id,
    });
    await client.views.open({
      trigger_id: command.trigger_id,
      view: changeRequestModal(
        { slug: form.engagement.slug, responseUrl: command.response_url },
        form.scope,
      ),
    });
  },
};
