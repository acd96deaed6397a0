import type { WebClient } from '@slack/web-api';
import type { ReviewDecision } from '../../services/diagnostic-service.js';
import type { SlackDeps } from '../context.js';
import { announceReviewDecision } from './engagement-notices.js';

/**
 * What Slack hears after an Output Review decision committed: the operator (and the
 * Diagnostic's author) told by DM. The copies of approval requests a send-back withdrew, and
 * App Home, are refreshed by jobs committed with the decision. Never throws.
 */
export async function afterReviewDecision(
  client: WebClient,
  deps: SlackDeps,
  decision: ReviewDecision,
  reviewerId: string,
  text: string | undefined,
): Promise<void> {
  await announceReviewDecision(client, deps, decision, reviewerId, text);
}
