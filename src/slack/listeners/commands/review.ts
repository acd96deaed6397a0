import type { Subcommand } from './subcommand.js';

// Placeholder registered so the command list is complete while this subcommand is built.
export const review: Subcommand = {
  name: 'review',
  usage: 'review [slug] confirm|send-back [reason]',
  summary: 'Review Diagnostic outputs: Output Review (executives).',
  async run({ ack }) {
    await ack({ response_type: 'ephemeral', text: 'This command is being built.' });
  },
};
