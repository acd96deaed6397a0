import {
  type ReviewDecision,
  reviewDiagnostic,
  showDiagnosticForReview,
} from '../../../services/diagnostic-service.js';
import { diagnosticReviewMessage, reviewDecisionMessage } from '../../blocks/diagnostic.js';
import { COMMAND_HELP } from '../../command-help.js';
import { parseReviewArgs } from '../../inputs/engagement-args.js';
import { replyForError } from '../../refusals.js';
import { reviewDecisionDeps } from '../review-followup.js';
import type { Subcommand } from './subcommand.js';

/**
 * `/amos review [slug]` shows the latest Diagnostic with Confirm / Send back (buttons bound to
 * the version shown); `confirm [note]` and `send-back <reason>` decide Output Review on the
 * latest version, naming it in the reply. A decision is acked at once and answered through
 * the response URL (refusals too); the operator is told.
 */
export const review: Subcommand = {
  ...COMMAND_HELP.review,
  async run({ ack, args, command, deps, respond, teamId, userId }) {
    const parsed = parseReviewArgs(args);
    const where = {
      ...(parsed.slug ? { slug: parsed.slug } : {}),
      channelId: command.channel_id,
    };
    if (parsed.decision === 'show') {
      const shown = await showDiagnosticForReview(deps.services.deps, { teamId, userId, ...where });
      await ack({
        response_type: 'ephemeral',
        ...diagnosticReviewMessage(shown.engagement, shown.latest, shown.canDecide),
      });
      return;
    }
    const text = parsed.decision === 'confirm' ? parsed.note : parsed.reason;
    let decision: ReviewDecision;
    try {
      decision = await reviewDiagnostic(reviewDecisionDeps(deps.services.deps, userId, text), {
        teamId,
        userId,
        target: where,
        decision: parsed.decision,
        ...(text ? { text } : {}),
      });
    } catch (error) {
      const reply = replyForError(deps.logger, error, `review ${parsed.decision}`);
      await ack({ response_type: 'ephemeral', text: reply });
      return;
    }
    // The decision is committed: only now is Slack told the command was received.
    await ack();
    await respond({ response_type: 'ephemeral', ...reviewDecisionMessage(decision, userId, text) });
  },
};
