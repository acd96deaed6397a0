import type { Subcommand } from './subcommand.js';

// Placeholder registered so the command list is complete while this subcommand is built.
export const fit: Subcommand = {
  name: 'fit',
  usage: 'fit <partner org>',
  summary: 'Record a partner fit assessment (executives).',
  async run({ ack }) {
    await ack({ response_type: 'ephemeral', text: 'This command is being built.' });
  },
};
