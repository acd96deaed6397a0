import { helpMessage } from '../../blocks/help.js';
import { COMMAND_HELP } from '../../command-help.js';
import type { Subcommand } from './subcommand.js';

export const help: Subcommand = {
  ...COMMAND_HELP.help,
  async run({ ack, catalogue }) {
    await ack({ response_type: 'ephemeral', ...helpMessage(catalogue) });
  },
};
