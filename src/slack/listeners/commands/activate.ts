import { activateEngagement } from '../../../services/activation-service.js';
import { activationReply } from '../../blocks/activation.js';
import { COMMAND_HELP } from '../../command-help.js';
import { parseActivateArgs } from '../../inputs/activation.js';
import type { Subcommand } from './subcommand.js';

/**
 * `/amos activate [slug]`: Partner Activation by an executive, in one transaction with the job
 * that sets up the partner channel (invites, posts and pins, asks for acknowledgement); a
 * refused step reaches the executive and the operator by DM from that job.
 */
export const activate: Subcommand = {
  ...COMMAND_HELP.activate,
  async run({ args, ack, respond, command, deps, teamId, userId }) {
    const { slug } = parseActivateArgs(args);
    const activation = await activateEngagement(deps.services.deps, {
      teamId,
      userId,
      ...(slug ? { slug } : {}),
      channelId: command.channel_id,
    });
    // Committed with its set-up job: only now is Slack told the command was received.
    await ack();
    await respond({
      response_type: 'ephemeral',
      text: activationReply({
        slug: activation.engagement.slug,
        partnerName: activation.partnerOrg.name,
        channelId: activation.engagement.partnerChannelId,
        memberIds: activation.memberIds,
        problems: [],
      }),
    });
  },
};
