import { grantRole, listRoles, revokeRole } from '../../../services/role-service.js';
import { roleChangeMessage, roleHelpMessage, roleListMessage } from '../../blocks/roles.js';
import { COMMAND_HELP } from '../../command-help.js';
import { parseRoleCommand } from '../../inputs/roles.js';
import type { Subcommand } from './subcommand.js';

/** `/amos role grant|revoke @person <role>` (admins) and `/amos role list` (anyone with a role). */
export const role: Subcommand = {
  ...COMMAND_HELP.role,
  async run({ args, ack, respond, deps, teamId, userId }) {
    const parsed = parseRoleCommand(args);
    if (parsed.action === 'help') {
      await ack({ response_type: 'ephemeral', ...roleHelpMessage(parsed.problem) });
      return;
    }
    const services = deps.services.deps;
    if (parsed.action === 'list') {
      await ack();
      const holders = await listRoles(services, teamId, userId);
      await respond({ response_type: 'ephemeral', ...roleListMessage(holders) });
      return;
    }
    const target = { userId: parsed.userId, role: parsed.role };
    const change =
      parsed.action === 'grant'
        ? await grantRole(services, teamId, userId, target)
        : await revokeRole(services, teamId, userId, target);
    // Committed: only now is Slack told the command was received. The DM to the person whose
    // role changed is a job committed with the change.
    await ack();
    await respond({
      response_type: 'ephemeral',
      ...roleChangeMessage(parsed.action, change),
    });
  },
};
