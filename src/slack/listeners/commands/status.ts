import { engagementStatus } from '../../../services/engagement-status-service.js';
import { riskStatusLines } from '../../blocks/risk.js';
import { engagementListMessage, statusMessage } from '../../blocks/status.js';
import { section } from '../../blocks/text.js';
import { COMMAND_HELP } from '../../command-help.js';
import { parseSlugArg } from '../../inputs/engagement-args.js';
import type { Subcommand } from './subcommand.js';

/**
 * `/amos status [slug]`: one engagement's stage, what blocks its next gate and who must act;
 * with no slug outside a partner channel, the engagements the caller may see.
 */
export const status: Subcommand = {
  ...COMMAND_HELP.status,
  async run({ ack, args, command, deps, teamId, userId }) {
    const slug = parseSlugArg(args);
    const answer = await engagementStatus(deps.services.deps, {
      teamId,
      userId,
      ...(slug ? { slug } : {}),
      channelId: command.channel_id,
    });
    const reply =
      answer.kind === 'one'
        ? statusMessage(answer.status)
        : engagementListMessage(answer.engagements, answer.partnerView, answer.total);
    // Read with the rest of the status, in its one statement.
    const lines =
      answer.kind === 'one' && answer.status.open && riskStatusLines(answer.status.open);
    if (lines) reply.blocks.push(section(lines));
    await ack({ response_type: 'ephemeral', ...reply });
  },
};
