import { randomUUID } from 'node:crypto';
import { engagementLabel } from '../../domain/engagement.js';
import type { Change, ServiceDeps } from '../../services/change.js';
import type { DiagnosticSubmission, ReviewDecision } from '../../services/diagnostic-service.js';
import { JOB } from '../../services/follow-up.js';
import type { StopOutcome } from '../../services/stop-authority-service.js';
import { diagnosticAwaitsReview, reviewDecisionMessage } from '../blocks/diagnostic.js';
import { stopNotice } from '../blocks/stop-authority.js';
import type { Rendered } from '../blocks/text.js';

/** What to record, and whom to tell, when a DM about an engagement cannot be delivered. */
export interface UndeliveredDm {
  readonly teamId: string;
  /** Whose action led to the DM; each `slack.error` names them as actor. */
  readonly actorId: string;
  /** Null: the failure goes to the workspace chain. */
  readonly engagement: { readonly id: string; readonly slug: string } | null;
  /** Ids kept in the record (only for notices enqueued as jobs). */
  readonly details?: Record<string, string>;
  /** Follows "tell <@U1>": "that DX-1 awaits their review". */
  readonly about: string;
  /** What to do by hand for a recipient who did not get it. */
  readonly manualFix: (userId: string) => string;
  /** Who is told by DM what failed (recipients whose DM failed are skipped). */
  readonly reportTo: readonly string[];
}

/** A DM to send once the change commits, and what to do when it cannot be delivered. */
export interface Notice {
  readonly userIds: readonly string[];
  readonly message: Rendered;
  /** Given: a refused DM is recorded as `slack.error` and reported; without it, only logged. */
  readonly undelivered?: UndeliveredDm;
}

/**
 * Enqueues each notice's DMs (one `send-notice` job per person, duplicates skipped) in the
 * change's own transaction, keyed by this change: committed with it, delivered once.
 */
export async function enqueueNotices(change: Change, notices: readonly Notice[]): Promise<void> {
  const changeKey = randomUUID();
  for (const [i, notice] of notices.entries()) {
    const u = notice.undelivered;
    for (const userId of new Set(notice.userIds)) {
      if (!userId) continue;
      await change.enqueue(
        JOB.sendNotice,
        {
          teamId: change.teamId,
          userId,
          message: { text: notice.message.text, blocks: notice.message.blocks },
          ...(u
            ? {
                undelivered: {
                  engagementId: u.engagement?.id ?? null,
                  ...(u.engagement ? { slug: u.engagement.slug } : {}),
                  ...(u.details ? { details: u.details } : {}),
                  actorId: u.actorId,
                  attempted: `tell <@${userId}> ${u.about}`,
                  manualFix: u.manualFix(userId),
                  reportTo: [...u.reportTo],
                },
              }
            : {}),
        },
        { key: `${changeKey}:${i}:${userId}` },
      );
    }
  }
}

/**
 * The service deps of one change whose result decides its notices: `notices(result)` are
 * enqueued in that change's transaction.
 */
export function withNotices<T>(
  deps: ServiceDeps,
  notices: (result: T) => readonly Notice[],
): ServiceDeps {
  return {
    ...deps,
    followUp: (change, result) => enqueueNotices(change, notices(result as T)),
  };
}

/**
 * After a Diagnostic is submitted or revised: each sponsor but the author learns it waits on
 * their Output Review. A sponsor who cannot be reached is recorded and reported to the operator
 * and the author.
 */
export function diagnosticAwaitsReviewNotice(request: {
  teamId: string;
  authorId: string;
  result: DiagnosticSubmission;
}): Notice[] {
  const { teamId, authorId, result } = request;
  const { engagement } = result;
  if (result.status === 'unchanged') return [];
  const { slug } = engagement;
  return [
    {
      userIds: engagement.sponsor_ids.filter((id) => id !== authorId),
      message: diagnosticAwaitsReview(engagement, { ...result, status: result.status }, authorId),
      undelivered: {
        teamId,
        actorId: authorId,
        engagement: { id: engagement.id, slug },
        about: `that ${result.ref} v${result.version} awaits their Output Review`,
        manualFix: (userId) =>
          `Tell <@${userId}> that ${result.ref} of ${engagementLabel(slug)} waits on their review: \`/amos review ${slug}\`.`,
        reportTo: [engagement.operator_id, authorId],
      },
    },
  ];
}

/**
 * After an Output Review decision: the operator (and the Diagnostic's author) are told by DM.
 * Someone who cannot be reached is recorded and reported to the reviewer.
 */
export function reviewDecisionNotice(
  decision: ReviewDecision,
  reviewerId: string,
  text: string | undefined,
): Notice[] {
  const { engagement } = decision;
  const recipients = [engagement.operator_id, decision.diagnostic?.authorId ?? ''].filter(
    (id) => id && id !== reviewerId,
  );
  const outcome = decision.decision === 'confirmed' ? 'was confirmed' : 'was sent back';
  const what = decision.diagnostic?.ref ?? 'the Diagnostic';
  return [
    {
      userIds: recipients,
      message: reviewDecisionMessage(decision, reviewerId, text),
      undelivered: {
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
    },
  ];
}

/**
 * The service deps of a pause, resume or termination: the sponsors and the operator (not the
 * executive who acted) told by DM, as jobs committed with it; a refused DM is recorded and
 * reported to the executive.
 */
export function stopDecisionDeps(deps: ServiceDeps): ServiceDeps {
  return withNotices<StopOutcome>(deps, (outcome) => {
    const { engagement, actorId } = outcome;
    return [
      {
        userIds: [...engagement.sponsorIds, engagement.operatorId].filter((id) => id !== actorId),
        message: stopNotice(outcome),
        undelivered: {
          teamId: outcome.teamId,
          actorId,
          engagement: { id: engagement.id, slug: engagement.slug },
          about: `that ${engagementLabel(engagement.slug)} was ${outcome.action === 'pause' ? 'paused' : outcome.action === 'resume' ? 'resumed' : 'terminated'}`,
          manualFix: (userId) =>
            `Let <@${userId}> know; \`/amos status ${engagement.slug}\` shows it.`,
          reportTo: [actorId],
        },
      },
    ];
  });
}
