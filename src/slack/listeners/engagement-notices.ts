import type { WebClient } from '@slack/web-api';
import { engagementLabel } from '../../domain/engagement.js';
import type { DiagnosticSubmission, ReviewDecision } from '../../services/diagnostic-service.js';
import { diagnosticAwaitsReview, reviewDecisionMessage } from '../blocks/diagnostic.js';
import type { FailedStep } from '../blocks/slack-error.js';
import type { Rendered } from '../blocks/text.js';
import type { SlackDeps } from '../context.js';
import { attempt, reportSlackFailures } from '../slack-error-reporter.js';

/** What to record, and whom to tell, when a DM about an engagement cannot be delivered. */
export interface UndeliveredDm {
  readonly teamId: string;
  /** Whose action led to the DM; each `slack.error` names them as actor. */
  readonly actorId: string;
  readonly engagement: { readonly id: string; readonly slug: string };
  /** Follows "tell <@U1>": "that DX-1 awaits their review". */
  readonly about: string;
  /** What to do by hand for a recipient who did not get it. */
  readonly manualFix: (userId: string) => string;
  /** Who is told by DM what failed (recipients whose DM failed are skipped). */
  readonly reportTo: readonly string[];
}

/**
 * DMs each person once (the bot user and duplicates skipped). Never throws: the change it
 * reports on is already committed. Given `undelivered`, each failed DM is recorded as a
 * `slack.error` in the engagement's decision record and reported to `reportTo`; without it
 * (a receipt to the person who just acted) a failure is logged.
 */
export async function directMessage(
  client: WebClient,
  deps: SlackDeps,
  userIds: readonly string[],
  message: Rendered,
  where: string,
  undelivered?: UndeliveredDm,
): Promise<void> {
  const failed: FailedStep[] = [];
  for (const userId of new Set(userIds)) {
    const sent = await attempt(() => client.chat.postMessage({ channel: userId, ...message }));
    if (sent.ok) continue;
    deps.logger.warn({ error: sent.error, where }, 'could not send a DM');
    if (!undelivered) continue;
    failed.push({
      method: 'chat.postMessage',
      error: sent.error,
      attempted: `tell <@${userId}> ${undelivered.about}`,
      manualFix: undelivered.manualFix(userId),
      userId,
    });
  }
  if (!undelivered || failed.length === 0) return;
  const missed = new Set(failed.map((step) => step.userId));
  await reportSlackFailures(client, deps, {
    teamId: undelivered.teamId,
    actorId: undelivered.actorId,
    engagement: undelivered.engagement,
    recipients: undelivered.reportTo.filter((id) => id && !missed.has(id)),
    steps: failed,
  });
}

/**
 * After a Diagnostic is submitted or revised: each sponsor but the author learns it waits on
 * their Output Review. A sponsor who cannot be reached is recorded and reported to the operator
 * and the author.
 */
export async function announceDiagnosticAwaitsReview(
  client: WebClient,
  deps: SlackDeps,
  request: { teamId: string; authorId: string; result: DiagnosticSubmission },
): Promise<void> {
  const { teamId, authorId, result } = request;
  const { engagement } = result;
  if (result.status === 'unchanged') return;
  const { slug } = engagement;
  await directMessage(
    client,
    deps,
    engagement.sponsor_ids.filter((id) => id !== authorId),
    diagnosticAwaitsReview(engagement, { ...result, status: result.status }, authorId),
    'diagnostic awaits review',
    {
      teamId,
      actorId: authorId,
      engagement: { id: engagement.id, slug },
      about: `that ${result.ref} v${result.version} awaits their Output Review`,
      manualFix: (userId) =>
        `Tell <@${userId}> that ${result.ref} of ${engagementLabel(slug)} waits on their review: \`/amos review ${slug}\`.`,
      reportTo: [engagement.operator_id, authorId],
    },
  );
}

/**
 * After an Output Review decision: the operator (and the Diagnostic's author) are told by DM.
 * Someone who cannot be reached is recorded and reported to the reviewer.
 */
export async function announceReviewDecision(
  client: WebClient,
  deps: SlackDeps,
  decision: ReviewDecision,
  reviewerId: string,
  text: string | undefined,
): Promise<void> {
  const { engagement } = decision;
  const recipients = [engagement.operator_id, decision.diagnostic?.authorId ?? ''].filter(
    (id) => id && id !== reviewerId,
  );
  const outcome = decision.decision === 'confirmed' ? 'was confirmed' : 'was sent back';
  const what = decision.diagnostic?.ref ?? 'the Diagnostic';
  await directMessage(
    client,
    deps,
    recipients,
    reviewDecisionMessage(decision, reviewerId, text),
    'review decision DM',
    {
      teamId: engagement.team_id,
      actorId: reviewerId,
      engagement: { id: engagement.id, slug: engagement.slug },
      about: `that ${what} ${outcome} at Output Review`,
      manualFix: (userId) =>
        `Tell <@${userId}> that ${what} of ${engagementLabel(engagement.slug)} ${outcome}${
          decision.decision === 'sent_back' ? ', and why' : ''
        }; \`/amos status ${engagement.slug}\` shows where it stands.`,
      reportTo: [reviewerId],
    },
  );
}
