import { viewScopeVersion } from '../../../services/change-request-service.js';
import { checkScopeEditableFor, viewScope } from '../../../services/scope-service.js';
import { scopeVersionMessage } from '../../blocks/governed-delivery.js';
import { scopeItemModal, scopeOverview, stageModal } from '../../blocks/scope.js';
import { COMMAND_HELP } from '../../command-help.js';
import { parseScopeArgs } from '../../inputs/scope.js';
import { submitAndNotify } from '../../requirements-submission.js';
import type { Subcommand } from './subcommand.js';

/**
 * `/amos scope [slug] [add|stage|submit]` (operators): shows the execution requirements with
 * buttons, opens the scope item or checkpoint modal, or submits them for approval.
 */
export const scope: Subcommand = {
  ...COMMAND_HELP.scope,
  async run({ args, command, teamId, userId, ack, respond, client, deps }) {
    const parsed = parseScopeArgs(args);
    const target = { teamId, userId, slug: parsed.slug, channelId: command.channel_id };
    const services = deps.services.deps;
    if (parsed.version !== undefined) {
      await ack();
      const shown = await viewScopeVersion(services, { ...target, version: parsed.version });
      await respond({
        response_type: 'ephemeral',
        ...scopeVersionMessage(shown.engagement.slug, shown.scope, shown.latest),
      });
      return;
    }
    if (parsed.action === 'add' || parsed.action === 'stage') {
      await ack();
      const engagement = await checkScopeEditableFor(services, target);
      const metadata = { slug: engagement.slug, responseUrl: command.response_url, replace: false };
      await client.views.open({
        trigger_id: command.trigger_id,
        view: parsed.action === 'add' ? scopeItemModal(metadata) : stageModal(metadata),
      });
      return;
    }
    if (parsed.action === 'submit') {
      const notice = await submitAndNotify(deps, target, ack);
      const overview = await viewScope(services, { ...target, slug: notice.slug });
      await respond({ response_type: 'ephemeral', ...scopeOverview(overview, notice.text) });
      return;
    }
    await ack();
    const overview = await viewScope(services, target);
    await respond({ response_type: 'ephemeral', ...scopeOverview(overview) });
  },
};
