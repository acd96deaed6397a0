import { isDomainRefusal } from '../../../domain/errors.js';
import { decide } from '../../../services/approval-service.js';
import { afterDecision } from '../../approval-notifier.js';
import { voteReply } from '../../blocks/approval-replies.js';
import { COMMAND_HELP } from '../../command-help.js';
import { parseApprovalArgs } from '../../inputs/approval.js';
import type { Subcommand } from './subcommand.js';

const USAGE =
  'Type `/amos reject [slug] EX-1 <reason>`: the reason is required, the requester sees it, and it goes into the decision record. `/amos approve` lists what waits on you.';

/**
 * `/amos reject [slug] REF <reason>`: rejects through the one decision service (one reject
 * decides), then every copy of the request is updated in place and the requester is told.
 */
export const reject: Subcommand = {
  ...COMMAND_HELP.reject,
  async run({ args, command, teamId, userId, ack, respond, deps }) {
    const parsed = parseApprovalArgs(args);
    if (parsed.kind !== 'decide') {
      await ack({ response_type: 'ephemeral', text: `Which item, and why? ${USAGE}` });
      return;
    }
    const services = deps.services.deps;
    let outcome: Awaited<ReturnType<typeof decide>>;
    try {
      outcome = await decide(services, {
        teamId,
        userId,
        ref: parsed.ref,
        slug: parsed.slug,
        channelId: command.channel_id,
        decision: 'reject',
        note: parsed.note,
      });
    } catch (error) {
      // The domain asks for the missing reason; add the exact command to type.
      if (!isDomainRefusal(error) || !error.refusal.fieldErrors?.reason) throw error;
      const { ref } = parsed;
      const typed = `/amos reject ${parsed.slug ? `${parsed.slug} ` : ''}${ref} <reason>`;
      await ack({
        response_type: 'ephemeral',
        text: `${error.refusal.message} Type \`${typed}\`.`,
      });
      return;
    }
    // The vote is committed: only now is Slack told the command was received.
    await ack();
    const view = await afterDecision(services, teamId, outcome);
    await respond({ response_type: 'ephemeral', text: voteReply(outcome, view, userId) });
  },
};
