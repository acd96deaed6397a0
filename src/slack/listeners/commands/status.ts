import type { Subcommand } from './subcommand.js';

// Placeholder registered so the command list is complete while this subcommand is built.
export const status: Subcommand = {
  name: 'status',
  usage: 'status [slug]',
  summary: 'Where an engagement stands, what blocks the next gate, who must act.',
  async run({ ack }) {
    await ack({ response_type: 'ephemeral', text: 'This command is being built.' });
  },
};
