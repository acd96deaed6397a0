import { assignPartnerOrg } from '../../../services/engagement-service.js';
import {
  addPartnerMembers,
  createPartnerOrg,
  listPartners,
  removePartnerMembers,
} from '../../../services/partner-service.js';
import { partnerAssignedMessage } from '../../blocks/partner-assign.js';
import {
  membershipMessage,
  partnerCreatedMessage,
  partnerHelpMessage,
  partnerListMessage,
} from '../../blocks/partners.js';
import { COMMAND_HELP } from '../../command-help.js';
import { parsePartnerCommand } from '../../inputs/partners.js';
import type { Subcommand } from './subcommand.js';

/**
 * `/amos partner create|add|remove` (admins), `/amos partner assign` (the engagement's operator,
 * executives, admins) and `/amos partner list` (anyone with a role).
 */
export const partner: Subcommand = {
  ...COMMAND_HELP.partner,
  async run({ args, ack, respond, deps, teamId, userId }) {
    const parsed = parsePartnerCommand(args);
    if (parsed.action === 'help') {
      await ack({ response_type: 'ephemeral', ...partnerHelpMessage(parsed.problem) });
      return;
    }
    const services = deps.services.deps;
    // A change commits before the ack; the reply follows through response_url.
    switch (parsed.action) {
      case 'list': {
        await ack();
        const listing = await listPartners(services, teamId, userId);
        await respond({ response_type: 'ephemeral', ...partnerListMessage(listing) });
        return;
      }
      case 'create': {
        const org = await createPartnerOrg(services, teamId, userId, parsed.name);
        await ack();
        await respond({ response_type: 'ephemeral', ...partnerCreatedMessage(org) });
        return;
      }
      case 'assign': {
        const { slug, orgName } = parsed;
        const assignment = await assignPartnerOrg(services, { teamId, userId, slug, orgName });
        await ack();
        await respond({ response_type: 'ephemeral', ...partnerAssignedMessage(assignment) });
        return;
      }
      case 'add':
      case 'remove': {
        const change =
          parsed.action === 'add'
            ? await addPartnerMembers(services, teamId, userId, parsed.orgName, parsed.userIds)
            : await removePartnerMembers(services, teamId, userId, parsed.orgName, parsed.userIds);
        await ack();
        await respond({ response_type: 'ephemeral', ...membershipMessage(parsed.action, change) });
        return;
      }
    }
  },
};
