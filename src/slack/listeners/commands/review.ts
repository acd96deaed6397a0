import { reviewDiagnostic, showDiagnosticForReview } from '../../../services/diagnostic-service.js';
import { diagnosticReviewMessage, reviewDecisionMessage } from '../../blocks/diagnostic.js';
import { parseReviewArgs } from '../../inputs/engagement-args.js';
import { announceReviewDecision } from '../engagement-notices.js';
import type { Subcommand } from './subcommand.js';

/**
 * `/amos review [slug]` shows the latest Diagnostic with Confirm / Send back;
 * `confirm [note]` and `send-back <reason>` decide Output Review, and the operator is told.
 */
export const review: Subcommand = {
  name: 'review',
  usage: 'review [slug] confirm|send-back [reason]',
  summary: 'Review Diagnostic outputs: Output Review (executives).',
  async run({ ack, args, client, command, deps, teamId, userId }) {
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
    const decision = await reviewDiagnostic(deps.services.deps, {
      teamId,
      userId,
      target: where,
      decision: parsed.decision,
      ...(text ? { text } : {}),
    });
    await ack({ response_type: 'ephemeral', ...reviewDecisionMessage(decision, userId, text) });
    await announceReviewDecision(client, deps, decision, userId, text);
  },
};
