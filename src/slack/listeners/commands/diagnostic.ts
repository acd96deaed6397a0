import type { Subcommand } from './subcommand.js';

// Placeholder registered so the command list is complete while this subcommand is built.
export const diagnostic: Subcommand = {
  name: 'diagnostic',
  usage: 'diagnostic [slug]',
  summary: 'Submit or revise the Diagnostic: System Entry (operators).',
  async run({ ack }) {
    await ack({ response_type: 'ephemeral', text: 'This command is being built.' });
  },
};
