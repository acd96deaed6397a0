import type { Subcommand } from './subcommand.js';

// Placeholder registered so the command list is complete while this subcommand is built.
export const scope: Subcommand = {
  name: 'scope',
  usage: 'scope [slug] [add|stage|submit]',
  summary: 'Define scope items, acceptance criteria and stages (operators).',
  async run({ ack }) {
    await ack({ response_type: 'ephemeral', text: 'This command is being built.' });
  },
};
