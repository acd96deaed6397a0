import type { WebClient } from '@slack/web-api';
import type { ReviewDecision } from '../../services/diagnostic-service.js';
import { approvalHomeAudience } from '../../services/home-service.js';
import { refreshApprovalCopies } from '../approval-notifier.js';
import type { SlackDeps } from '../context.js';
import { publishHomes } from '../home-publisher.js';
import { announceReviewDecision } from './engagement-notices.js';

/**
 * Everything Slack hears after an Output Review decision committed: the operator (and the
 * Diagnostic's author) told by DM and, after a send-back that withdrew approval requests, every
 * copy of each request re-rendered in place without its buttons and App Home republished for
 * everyone whose "waiting on you" list showed it. Never throws: the decision already stands.
 */
export async function afterReviewDecision(
  client: WebClient,
  deps: SlackDeps,
  decision: ReviewDecision,
  reviewerId: string,
  text: string | undefined,
): Promise<void> {
  await announceReviewDecision(client, deps, decision, reviewerId, text);
  if (decision.withdrawn.length === 0) return;
  const teamId = decision.engagement.team_id;
  const services = deps.services.deps;
  try {
    for (const request of decision.withdrawn) {
      await refreshApprovalCopies(client, services, deps.logger, teamId, request.id);
    }
    const audience = await approvalHomeAudience(services, teamId, decision.engagement.sponsor_ids);
    await publishHomes(client, services, deps.logger, teamId, audience);
  } catch (error) {
    deps.logger.warn(
      { err: error instanceof Error ? error.message : String(error) },
      'withdrawn approval copies not refreshed',
    );
  }
}
