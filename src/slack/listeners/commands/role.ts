import type { Subcommand } from './subcommand.js';

// Placeholder registered so the command list is complete while this subcommand is built.
export const role: Subcommand = {
  name: 'role',
  usage: 'role grant|revoke|list [@user] [role]',
  summary: 'Grant, revoke or list AMOS roles (admins).',
  async run({ ack }) {
    await ack({ response_type: 'ephemeral', text: 'This command is being built.' });
  },
};
