import type { Subcommand } from './subcommand.js';

// Placeholder registered so the command list is complete while this subcommand is built.
export const reject: Subcommand = {
  name: 'reject',
  usage: 'reject REF reason',
  summary: 'Reject an item with a reason (executives).',
  async run({ ack }) {
    await ack({ response_type: 'ephemeral', text: 'This command is being built.' });
  },
};
