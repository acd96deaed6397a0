import type { WebClient } from '@slack/web-api';
import { recordSlackError } from '../services/slack-error-service.js';
import { type FailedStep, slackErrorNotice } from './blocks/slack-error.js';
import type { SlackDeps } from './context.js';
import { retryButtonValue } from './inputs/activation.js';

/** The Slack error code of a failed Web API call (`not_in_channel`), or `request_failed`. */
export function slackErrorCode(error: unknown): string {
  const data = (error as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === 'string' ? data.error : 'request_failed';
}

export type Attempt<T> = { ok: true; value: T } | { ok: false; error: string };

/** Runs one Web API call and returns its Slack error code instead of throwing. */
export async function attempt<T>(call: () => Promise<T>): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    return { ok: false, error: slackErrorCode(error) };
  }
}

export interface FailureReport {
  readonly teamId: string;
  /** Whose action led to the calls; the records name them as actor. */
  readonly actorId: string;
  readonly engagement: { readonly id: string; readonly slug: string };
  /** Who is told by DM (duplicates and the bot are skipped). */
  readonly recipients: readonly string[];
  readonly steps: readonly FailedStep[];
  /** Ids to keep in each record (channel, user); never message bodies. */
  readonly details?: Record<string, unknown>;
  /** Steps not attempted because an earlier failure blocked the channel. */
  readonly notDone?: readonly string[];
  /** Offer a "Retry the set-up" button for these activation steps. */
  readonly retry?: { readonly engagementId: string; readonly steps: readonly string[] };
}

/**
 * Never swallows a Slack failure: records each failed step as a `slack.error` in the
 * engagement's decision record, then DMs every recipient what failed and what to do. A failure
 * of the report itself can only be logged.
 */
export async function reportSlackFailures(
  client: WebClient,
  deps: SlackDeps,
  report: FailureReport,
): Promise<void> {
  if (report.steps.length === 0) return;
  const { teamId, engagement } = report;
  for (const step of report.steps) {
    deps.logger.warn(
      { teamId, engagementId: engagement.id, method: step.method, error: step.error },
      'slack call failed',
    );
    try {
      await recordSlackError(deps.services.deps, {
        teamId,
        userId: report.actorId,
        engagementId: engagement.id,
        method: step.method,
        error: step.error,
        attempted: step.attempted,
        details: {
          ...report.details,
          ...(step.channelId ? { channel: step.channelId } : {}),
          ...(step.userId ? { user: step.userId } : {}),
        },
      });
    } catch (error) {
      deps.logger.error(
        { teamId, engagementId: engagement.id, err: String(error) },
        'could not record a slack.error',
      );
    }
  }
  const retry = report.retry && report.retry.steps.length > 0 ? report.retry : undefined;
  const notice = slackErrorNotice(engagement.slug, report.steps, {
    ...(report.notDone ? { notDone: report.notDone } : {}),
    ...(retry ? { retryValue: retryButtonValue(retry) } : {}),
  });
  for (const userId of new Set(report.recipients)) {
    const sent = await attempt(() => client.chat.postMessage({ channel: userId, ...notice }));
    if (!sent.ok) {
      deps.logger.error(
        { teamId, engagementId: engagement.id, error: sent.error },
        'could not DM a slack error report',
      );
    }
  }
}
