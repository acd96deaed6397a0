import type { Subcommand } from './subcommand.js';

// Placeholder registered so the command list is complete while this subcommand is built.
export const activate: Subcommand = {
  name: 'activate',
  usage: 'activate [slug]',
  summary: 'Activate the partner: Partner Activation (executives).',
  async run({ ack }) {
    await ack({ response_type: 'ephemeral', text: 'This command is being built.' });
  },
};
