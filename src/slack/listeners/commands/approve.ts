import { decide } from '../../../services/approval-service.js';
import { listWaiting } from '../../../services/approval-view-service.js';
import { afterDecision } from '../../approval-notifier.js';
import { voteReply, waitingList } from '../../blocks/approval-replies.js';
import { COMMAND_HELP } from '../../command-help.js';
import { parseApprovalArgs } from '../../inputs/approval.js';
import type { Subcommand } from './subcommand.js';

export const APPROVE_USAGE =
  'Type `/amos approve` to see what waits on you, or `/amos approve [slug] EX-1 [note]` to approve an item (the slug is needed only when several engagements have an EX-1).';

/**
 * `/amos approve` lists what waits on the caller, each with Approve / Reject buttons;
 * `/amos approve [slug] REF [note]` approves through the one decision service, then every
 * copy of the request is updated in place and, once decided, the requester is told.
 */
export const approve: Subcommand = {
  ...COMMAND_HELP.approve,
  async run({ args, command, teamId, userId, ack, respond, deps }) {
    const parsed = parseApprovalArgs(args);
    if (parsed.kind === 'unclear') {
      await ack({ response_type: 'ephemeral', text: `I couldn't read that. ${APPROVE_USAGE}` });
      return;
    }
    const services = deps.services.deps;
    if (parsed.kind === 'list') {
      await ack();
      const views = await listWaiting(services, { teamId, userId, slug: parsed.slug });
      await respond({ response_type: 'ephemeral', ...waitingList(views, { slug: parsed.slug }) });
      return;
    }
    const outcome = await decide(services, {
      teamId,
      userId,
      ref: parsed.ref,
      slug: parsed.slug,
      channelId: command.channel_id,
      decision: 'approve',
      note: parsed.note,
    });
    // The vote is committed: only now is Slack told the command was received.
    await ack();
    const view = await afterDecision(services, teamId, outcome);
    await respond({ response_type: 'ephemeral', text: voteReply(outcome, view, userId) });
  },
};
