import type { Subcommand } from './subcommand.js';

// Placeholder registered so the command list is complete while this subcommand is built.
export const newEngagement: Subcommand = {
  name: 'new',
  usage: 'new',
  summary: 'Create an engagement (operators).',
  async run({ ack }) {
    await ack({ response_type: 'ephemeral', text: 'This command is being built.' });
  },
};
