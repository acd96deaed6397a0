import type { Subcommand } from './subcommand.js';

// Placeholder registered so the command list is complete while this subcommand is built.
export const exportLog: Subcommand = {
  name: 'export',
  usage: 'export [slug] [jsonl|csv]',
  summary: 'Send yourself the decision record as a file.',
  async run({ ack }) {
    await ack({ response_type: 'ephemeral', text: 'This command is being built.' });
  },
};
