import { openDiagnosticForm } from '../../../services/diagnostic-service.js';
import { diagnosticModal } from '../../blocks/diagnostic.js';
import { COMMAND_HELP } from '../../command-help.js';
import { parseSlugArg } from '../../inputs/engagement-args.js';
import type { Subcommand } from './subcommand.js';

/**
 * `/amos diagnostic [slug]`: System Entry. Everything that would refuse the submission (no
 * right to submit, a partner, a frozen Diagnostic, a later stage) is refused before the form
 * opens; otherwise the modal opens prefilled with the latest version.
 */
export const diagnostic: Subcommand = {
  ...COMMAND_HELP.diagnostic,
  async run({ ack, args, client, command, deps, teamId, userId }) {
    const slug = parseSlugArg(args);
    const { engagement, latest } = await openDiagnosticForm(deps.services.deps, {
      teamId,
      userId,
      ...(slug ? { slug } : {}),
      channelId: command.channel_id,
    });
    await ack();
    await client.views.open({
      trigger_id: command.trigger_id,
      view: diagnosticModal(engagement, latest),
    });
  },
};
