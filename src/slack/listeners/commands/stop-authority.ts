import { type StopAction, stopWork } from '../../../services/stop-authority-service.js';
import { stopReply } from '../../blocks/stop-authority.js';
import { COMMAND_HELP } from '../../command-help.js';
import { parseStopArgs } from '../../inputs/stop-authority.js';
import { stopDecisionDeps } from '../engagement-notices.js';
import type { Subcommand } from './subcommand.js';

/**
 * `/amos pause|resume|terminate [slug] [reason]` (executives; any one of them, N of M does not
 * apply): one lifecycle transition with its Slack effects as jobs in the same change; the reply
 * comes once it committed.
 */
function stopCommand(action: StopAction): Subcommand {
  return {
    ...COMMAND_HELP[action],
    async run({ args, command, teamId, userId, ack, deps }) {
      const outcome = await stopWork(stopDecisionDeps(deps.services.deps), {
        teamId,
        userId,
        action,
        target: { typed: parseStopArgs(args), channelId: command.channel_id },
      });
      // Committed with its jobs: only now is Slack told the command was received.
      await ack({ response_type: 'ephemeral', text: stopReply(outcome) });
    },
  };
}

export const pause = stopCommand('pause');
export const resume = stopCommand('resume');
export const terminate = stopCommand('terminate');
