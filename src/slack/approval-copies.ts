import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logger.js';
import { type ApprovalView, loadApprovalView } from '../services/approval-view-service.js';
import type { ServiceDeps } from '../services/change.js';
import { recordSlackError } from '../services/slack-error-service.js';
import { approvalMessage } from './blocks/approval.js';
import { type FailedStep, slackErrorNotice } from './blocks/slack-error.js';
import { slackErrorCode } from './slack-error-reporter.js';

// Keeping every stored Slack copy of an approval request in step with it, for
// approval-notifier.ts: ordered renders, and failed calls recorded and reported.
//
// Ordering. Two votes on one request commit one after the other (the engagement row lock), but
// their Slack work runs in parallel; a render read before the second commit could land after
// the render of the decided request and leave live buttons on it. So, without holding any
// database lock across Slack calls:
// - in this process, everything that renders one request (sending, refreshing, App Home) runs
//   one at a time per request, each reading the request afresh when its turn comes;
// - every refresh re-reads the request after its updates and renders again while the status or
//   the vote count moved (at most MAX_ROUNDS times).
// With several app instances the per-request queue does not span them, but the copies still
// converge: every vote's refresh starts after that vote committed, and a refresh only stops once
// a re-read made after its updates landed matches what it rendered, so every refresh ends by
// rendering the latest committed state. A stale render still in flight from another instance
// belongs to a refresh that will itself re-read and render again; the refresh of the last vote
// leaves every copy showing the final state. (After MAX_ROUNDS a refresh stops even if the
// request still moves; the vote that moved it has its own refresh, which starts later.)

const MAX_ROUNDS = 3;

const queues = new Map<string, Promise<void>>();

/**
 * Runs `work` after every earlier piece of work queued under `key` in this process settled
 * (fulfilled or not): one request's renders never overlap here.
 */
export function oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.then(work);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return run;
}

/** The queue of one approval request. */
export const queueKey = (teamId: string, approvalRequestId: string) =>
  `${teamId}:${approvalRequestId}`;

/** What a copy shows that a later vote can change; when it moved, the copies are rendered again. */
const renderedState = (view: ApprovalView) =>
  `${view.status}|${view.votes.length}|${view.copies.length}`;

/** A stored copy whose latest update Slack refused, with its error code. */
export interface CopyFailure {
  readonly channelId: string;
  readonly ts: string;
  readonly recipientId: string | null;
  readonly error: string;
}

/**
 * Renders every copy from a fresh read, then reads again and renders again while the request
 * moved meanwhile (bounded). Returns the last state read and the copies still not updated.
 */
export async function renderUntilSettled(
  client: WebClient,
  deps: ServiceDeps,
  logger: Logger,
  teamId: string,
  approvalRequestId: string,
): Promise<{ view: ApprovalView | undefined; failures: CopyFailure[] }> {
  const failures = new Map<string, CopyFailure>();
  let view = await loadApprovalView(deps, teamId, approvalRequestId);
  for (let round = 1; view; round += 1) {
    await updateCopies(client, logger, view, failures);
    const latest = await loadApprovalView(deps, teamId, approvalRequestId);
    if (!latest) break;
    const moved = renderedState(latest) !== renderedState(view);
    view = latest;
    if (!moved) break;
    if (round >= MAX_ROUNDS) {
      // Still moving: the vote that moved it refreshes after us and renders the newer state.
      logger.info(
        { ref: view.ref, rounds: round },
        'approval copies still changing; left to the next refresh',
      );
      break;
    }
  }
  return { view, failures: [...failures.values()] };
}

/** Updates each copy in place; `failures` keeps the copies whose latest attempt failed. */
async function updateCopies(
  client: WebClient,
  logger: Logger,
  view: ApprovalView,
  failures: Map<string, CopyFailure>,
): Promise<void> {
  await Promise.all(
    view.copies.map(async (copy) => {
      const key = `${copy.channelId}:${copy.ts}`;
      try {
        await client.chat.update({
          channel: copy.channelId,
          ts: copy.ts,
          ...approvalMessage(view, copy.recipientId),
        });
        failures.delete(key);
      } catch (error) {
        const code = slackErrorCode(error);
        logger.warn(
          { ref: view.ref, channel: copy.channelId, ts: copy.ts, error: code },
          'approval copy not updated',
        );
        failures.set(key, { ...copy, error: code });
      }
    }),
  );
}

/** Records each copy Slack would not update as `slack.error`, then tells the requester by DM. */
export async function reportCopyFailures(
  client: WebClient,
  deps: ServiceDeps,
  logger: Logger,
  view: ApprovalView,
  failures: readonly CopyFailure[],
): Promise<void> {
  if (failures.length === 0) return;
  const steps: FailedStep[] = [];
  for (const f of failures) {
    const whose = f.recipientId ? `<@${f.recipientId}>'s copy` : `the copy in <#${f.channelId}>`;
    const step: FailedStep = {
      method: 'chat.update',
      error: f.error,
      attempted: `update ${whose} of the approval request ${view.ref} in place`,
      manualFix: `${view.ref} is ${view.status} whatever that copy shows. ${f.recipientId ? `Let <@${f.recipientId}> know` : 'Tell that channel'}; \`/amos status ${view.engagement.slug}\` shows where it stands.`,
      ...(f.recipientId ? { userId: f.recipientId } : { channelId: f.channelId }),
    };
    steps.push(step);
    await recordDeliveryFailure(deps, logger, view, {
      method: step.method,
      error: step.error,
      attempted: step.attempted,
      details: {
        channel: f.channelId,
        ts: f.ts,
        ...(f.recipientId ? { user: f.recipientId } : {}),
      },
    });
  }
  try {
    await client.chat.postMessage({
      channel: view.requestedBy,
      ...slackErrorNotice(view.engagement.slug, steps),
    });
  } catch (error) {
    logger.error(
      { ref: view.ref, recipient: view.requestedBy, error: slackErrorCode(error) },
      'requester not told of a copy left out of date',
    );
  }
}

/** Records a failed Slack call about the request in its engagement's chain; logs if even that fails. */
export async function recordDeliveryFailure(
  deps: ServiceDeps,
  logger: Logger,
  view: ApprovalView,
  failure: { method: string; error: string; attempted: string; details: Record<string, unknown> },
): Promise<void> {
  try {
    await recordSlackError(deps, {
      teamId: view.teamId,
      userId: view.requestedBy,
      engagementId: view.engagement.id,
      method: failure.method,
      error: failure.error,
      attempted: failure.attempted,
      details: { ref: view.ref, ...failure.details },
    });
  } catch (error) {
    logger.error({ ref: view.ref, err: String(error) }, 'could not record a slack.error');
  }
}
