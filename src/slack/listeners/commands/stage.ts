import { submitStageOutcome } from '../../../services/stage-review-service.js';
import { COMMAND_HELP } from '../../command-help.js';
import { parseStageArgs } from '../../inputs/governed-delivery.js';
import type { Subcommand } from './subcommand.js';

/**
 * `/amos stage [slug] ST-n <outcome>` (partners): submits the stage outcome as a stage review
 * SR-n, which executives approve (`/amos approve SR-n`) or return (`/amos reject SR-n <why>`).
 */
export const stage: Subcommand = {
  ...COMMAND_HELP.stage,
  async run({ args, command, teamId, userId, ack, deps }) {
    const parsed = parseStageArgs(args);
    const submitted = await submitStageOutcome(deps.services.deps, {
      teamId,
      userId,
      slug: parsed.slug,
      channelId: command.channel_id,
      checkpointRef: parsed.checkpointRef,
      outcome: parsed.outcome,
    });
    // Committed: only now is Slack told the command was received.
    await ack({
      response_type: 'ephemeral',
      text: `:white_check_mark: Stage review *${submitted.ref}* of ${submitted.checkpointRef} submitted for ${submitted.engagement.slug.toUpperCase()}; executives decide it with \`/amos approve ${submitted.engagement.slug} ${submitted.ref}\`.`,
    });
  },
};
