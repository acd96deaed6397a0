import { prepareFitAssessment } from '../../../services/fit-service.js';
import { fitAssessmentView } from '../../blocks/fit.js';
import { esc } from '../../blocks/text.js';
import { COMMAND_HELP } from '../../command-help.js';
import { slackErrorCode } from '../../slack-error-reporter.js';
import type { Subcommand } from './subcommand.js';

/** `/amos fit <organisation>` (executives and admins): opens the fit assessment modal. */
export const fit: Subcommand = {
  ...COMMAND_HELP.fit,
  async run({ args, ack, respond, client, command, deps, teamId, userId }) {
    await ack();
    const target = await prepareFitAssessment(deps.services.deps, teamId, userId, args);
    try {
      await client.views.open({ trigger_id: command.trigger_id, view: fitAssessmentView(target) });
    } catch (error) {
      if (slackErrorCode(error) !== 'expired_trigger_id') throw error;
      await respond({
        response_type: 'ephemeral',
        text: `Slack didn't let me open the form in time. Please type \`/amos fit ${esc(target.org.name)}\` again.`,
      });
    }
  },
};
