import { engagementStatus } from '../../../services/engagement-status-service.js';
import { openRisksAndEscalations } from '../../../services/governance-view-service.js';
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
    if (answer.kind === 'one') {
      const open = await openRisksAndEscalations(
        deps.services.deps,
        teamId,
        answer.status.engagement.id,
      );
      const lines = riskStatusLines(open);
      if (lines) reply.blocks.push(section(lines));
    }
    await ack({ response_type: 'ephemeral', ...reply });
  },
};
