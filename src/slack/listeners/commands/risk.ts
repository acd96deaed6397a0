import { randomUUID } from 'node:crypto';
import { raiseForm } from '../../../services/escalation-service.js';
import { moveRiskByRef } from '../../../services/risk-service.js';
import { escalationModal, riskModal } from '../../blocks/risk.js';
import { COMMAND_HELP } from '../../command-help.js';
import { parseEscalateArgs, parseRiskArgs } from '../../inputs/risk.js';
import type { Subcommand } from './subcommand.js';

/**
 * `/amos risk [slug]`: the risk modal (after the check that the caller may raise one here).
 * `/amos risk [slug] RK-n ack|mitigated|closed`: its owner or an executive moves it, recorded.
 */
export const risk: Subcommand = {
  ...COMMAND_HELP.risk,
  async run({ args, command, teamId, userId, ack, client, deps }) {
    const parsed = parseRiskArgs(args);
    const target = { teamId, userId, slug: parsed.slug, channelId: command.channel_id };
    if (parsed.move) {
      const moved = await moveRiskByRef(deps.services.deps, { ...target, ...parsed.move });
      await ack({
        response_type: 'ephemeral',
        text: `:white_check_mark: Risk *${moved.ref}* is now ${moved.state}.`,
      });
      return;
    }
    await ack();
    const form = await raiseForm(deps.services.deps, target);
    await client.views.open({
      trigger_id: command.trigger_id,
      view: riskModal({
        slug: form.engagement.slug,
        responseUrl: command.response_url,
        formId: randomUUID(),
      }),
    });
  },
};

/** `/amos escalate [slug]`: the escalation modal. */
export const escalate: Subcommand = {
  ...COMMAND_HELP.escalate,
  async run({ args, command, teamId, userId, ack, client, deps }) {
    const parsed = parseEscalateArgs(args);
    await ack();
    const form = await raiseForm(deps.services.deps, {
      teamId,
      userId,
      slug: parsed.slug,
      channelId: command.channel_id,
    });
    await client.views.open({
      trigger_id: command.trigger_id,
      view: escalationModal({
        slug: form.engagement.slug,
        responseUrl: command.response_url,
        formId: randomUUID(),
      }),
    });
  },
};
