import type { Subcommand } from './subcommand.js';

// Placeholder registered so the command list is complete while this subcommand is built.
export const log: Subcommand = {
  name: 'log',
  usage: 'log [slug]',
  summary: 'Show the latest decision records.',
  async run({ ack }) {
    await ack({ response_type: 'ephemeral', text: 'This command is being built.' });
  },
};
