import type { Subcommand } from './subcommand.js';

// Placeholder registered so the command list is complete while this subcommand is built.
export const approve: Subcommand = {
  name: 'approve',
  usage: 'approve [REF] [note]',
  summary: 'Approve an item, or list what waits on you (executives).',
  async run({ ack }) {
    await ack({ response_type: 'ephemeral', text: 'This command is being built.' });
  },
};
