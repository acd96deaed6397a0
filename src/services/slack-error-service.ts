import type { ChainedRecord } from '../domain/decision-record.js';
import { runChange, type ServiceDeps } from './change.js';

export interface SlackErrorReport {
  readonly teamId: string;
  /** Whose action led to the failed call (the activating executive, the joining partner, ...). */
  readonly userId: string;
  /** null for a failure outside any engagement (a fit verdict DM): the workspace chain. */
  readonly engagementId: string | null;
  /** The Web API method that failed, e.g. `conversations.kick`. */
  readonly method: string;
  /** Slack's error code, e.g. `restricted_action`. */
  readonly error: string;
  /** What AMOS was trying to do, as a sentence fragment ("invite <@U1> to the partner channel"). */
  readonly attempted: string;
  /** Ids involved (channel, user, ...); never message bodies. */
  readonly details?: Record<string, unknown>;
}

/**
 * Records a failed Slack call as a `slack.error` in the engagement's decision record (or the
 * workspace's), as its own change, so a failure after a commit is never lost or swallowed.
 */
export async function recordSlackError(
  deps: ServiceDeps,
  report: SlackErrorReport,
): Promise<ChainedRecord> {
  return runChange(deps, report.teamId, report.userId, (change) =>
    change.record({
      engagementId: report.engagementId,
      kind: 'slack.error',
      subjectRef: null,
      summary: `Slack refused to ${report.attempted}: ${report.error} (${report.method}).`,
      details: { method: report.method, error: report.error, ...report.details },
    }),
  );
}
