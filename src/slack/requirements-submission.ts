import { type EngagementTarget, submitRequirements } from '../services/scope-service.js';
import { submittedNotice } from './blocks/scope.js';
import type { SlackDeps } from './context.js';

/**
 * Submits the requirements (the service checks the gate and opens EX-n), then DMs the sponsors.
 * `committed` runs between the two (the listener acks there: the submission is committed, the
 * Slack calls follow). Returns the operator's confirmation, naming anyone Slack would not let
 * us reach.
 */
export async function submitAndNotify(
  deps: SlackDeps,
  target: EngagementTarget,
  committed: () => Promise<void>,
): Promise<{ slug: string; text: string }> {
  const result = await submitRequirements(deps.services.deps, target);
  await committed();
  // The DMs are jobs committed with the submission; a sponsor Slack will not let us reach is
  // recorded and reported to the submitter when that job gives up.
  const delivery = { sent: [...result.sponsorIds], failed: [] };
  return { slug: result.engagement.slug, text: submittedNotice(result, delivery) };
}
