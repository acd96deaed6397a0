import type { Subcommand } from './subcommand.js';

// Placeholder registered so the command list is complete while this subcommand is built.
export const partner: Subcommand = {
  name: 'partner',
  usage: 'partner create|add|remove|list ...',
  summary: 'Manage partner organisations and their members (admins).',
  async run({ ack }) {
    await ack({ response_type: 'ephemeral', text: 'This command is being built.' });
  },
};
