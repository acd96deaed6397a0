import { activateEngagement } from '../../../services/activation-service.js';
import { announceActivation } from '../../activation-notifier.js';
import { activationReply } from '../../blocks/activation.js';
import { COMMAND_HELP } from '../../command-help.js';
import { parseActivateArgs } from '../../inputs/activation.js';
import type { Subcommand } from './subcommand.js';

/**
 * `/amos activate [slug]`: Partner Activation by an executive. Acks at once (the Slack set-up
 * takes several calls), activates in one transaction, then invites, posts, pins and asks for
 * acknowledgement; the executive is told what happened and what did not.
 */
export const activate: Subcommand = {
  ...COMMAND_HELP.activate,
  async run({ args, ack, respond, client, command, deps, teamId, userId }) {
    const { slug } = parseActivateArgs(args);
    const activation = await activateEngagement(deps.services.deps, {
      teamId,
      userId,
      ...(slug ? { slug } : {}),
      channelId: command.channel_id,
    });
    // Committed: only now is Slack told the command was received; the Slack set-up follows.
    await ack();
    const { failed } = await announceActivation(client, deps, teamId, activation);
    await respond({
      response_type: 'ephemeral',
      text: activationReply({
        slug: activation.engagement.slug,
        partnerName: activation.partnerOrg.name,
        channelId: activation.engagement.partnerChannelId,
        memberIds: activation.memberIds,
        problems: failed.map((f) => `Could not ${f.attempted}: \`${f.error}\``),
      }),
    });
  },
};
