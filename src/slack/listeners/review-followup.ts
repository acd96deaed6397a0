import type { ServiceDeps } from '../../services/change.js';
import type { ReviewDecision } from '../../services/diagnostic-service.js';
import { reviewDecisionMessage } from '../blocks/diagnostic.js';
import { reviewDecisionNotice, withNotices } from './engagement-notices.js';

/**
 * The service deps of an Output Review decision: the operator (and the Diagnostic's author)
 * told by DM, and with `receipt` the reviewer too, as jobs committed with the decision. The
 * copies of approval requests a send-back withdrew, and App Home, are refreshed by jobs the
 * service enqueues itself.
 */
export function reviewDecisionDeps(
  deps: ServiceDeps,
  reviewerId: string,
  text: string | undefined,
  options: { receipt?: boolean } = {},
): ServiceDeps {
  return withNotices<ReviewDecision>(deps, (decision) => [
    ...(options.receipt
      ? [{ userIds: [reviewerId], message: reviewDecisionMessage(decision, reviewerId, text) }]
      : []),
    ...reviewDecisionNotice(decision, reviewerId, text),
  ]);
}
