import type { WebClient } from '@slack/web-api';
import type { ReviewDecision } from '../../services/diagnostic-service.js';
import { reviewDecisionMessage } from '../blocks/diagnostic.js';
import type { Rendered } from '../blocks/text.js';
import type { SlackDeps } from '../context.js';
import { attempt } from '../slack-error-reporter.js';

/**
 * DMs each person once (the bot user and duplicates skipped). A failed DM is logged, never
 * thrown: the change it reports on is already committed.
 */
export async function directMessage(
  client: WebClient,
  deps: SlackDeps,
  userIds: readonly string[],
  message: Rendered,
  where: string,
): Promise<void> {
  for (const userId of new Set(userIds)) {
    const sent = await attempt(() => client.chat.postMessage({ channel: userId, ...message }));
    if (!sent.ok) deps.logger.warn({ error: sent.error, where }, 'could not send a DM');
  }
}

/** After an Output Review decision: the operator (and the Diagnostic's author) are told by DM. */
export async function announceReviewDecision(
  client: WebClient,
  deps: SlackDeps,
  decision: ReviewDecision,
  reviewerId: string,
  text: string | undefined,
): Promise<void> {
  const recipients = [decision.engagement.operator_id, decision.diagnostic?.authorId ?? ''].filter(
    (id) => id && id !== reviewerId,
  );
  await directMessage(
    client,
    deps,
    recipients,
    reviewDecisionMessage(decision, reviewerId, text),
    'review decision DM',
  );
}
