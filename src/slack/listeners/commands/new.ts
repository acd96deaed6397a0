import { newEngagementForm } from '../../../services/engagement-service.js';
import { newEngagementModal } from '../../blocks/new-engagement.js';
import { COMMAND_HELP } from '../../command-help.js';
import type { Subcommand } from './subcommand.js';

/**
 * `/amos new`: refuses people who may not create engagements before any form opens; otherwise
 * opens the engagement modal from the command's trigger right after the ack.
 */
export const newEngagement: Subcommand = {
  ...COMMAND_HELP.new,
  async run({ ack, client, command, deps, teamId, userId }) {
    const form = await newEngagementForm(deps.services.deps, teamId, userId);
    await ack();
    await client.views.open({
      trigger_id: command.trigger_id,
      view: newEngagementModal({ userId, partnerOrgs: form.partnerOrgs }),
    });
  },
};
