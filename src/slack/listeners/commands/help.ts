import { helpMessage } from '../../blocks/help.js';
import type { Subcommand } from './subcommand.js';

export const help: Subcommand = {
  name: 'help',
  usage: 'help',
  summary: 'List the commands and what they do.',
  async run({ ack, catalogue }) {
    await ack({ response_type: 'ephemeral', ...helpMessage(catalogue) });
  },
};
