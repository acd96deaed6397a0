import type { WebClient } from '@slack/web-api';
import { claimOnce } from '../db/delivery-repository.js';
import { runChange } from '../services/change.js';
import { JOB } from '../services/follow-up.js';
import type { FailureReport, JobContext } from './job.js';
import type { WorkerRuntime } from './queue.js';
import { classifySlackFailure, SlackCallFailed } from './slack-failure.js';

/** The job that tells people by DM what Slack refused (see report-slack-failure.ts). */
export const REPORT_SLACK_FAILURE = JOB.reportSlackFailure;

/** Builds what a handler gets: the workspace's client, the services, and the failure path. */
export function jobContext(options: {
  runtime: WorkerRuntime;
  teamId: string;
  client: WebClient;
  job: JobContext['job'];
  enqueueOutside: JobContext['enqueueAll'];
}): JobContext {
  const { runtime, teamId, client, job } = options;
  const { deps } = runtime;
  return {
    teamId,
    client,
    deps,
    logger: runtime.logger,
    config: runtime.config,
    job,
    async call(method, run) {
      try {
        return await run();
      } catch (error) {
        const failure = classifySlackFailure(error);
        if (!failure) throw error;
        throw new SlackCallFailed(method, failure, { cause: error });
      }
    },
    reportFailure: (report) => recordFailureOnce(deps, teamId, report),
    enqueue: (name, payload, o) => options.enqueueOutside([{ name, payload, options: o }]),
    enqueueAll: options.enqueueOutside,
  };
}

/**
 * Records the failure as `slack.error` and enqueues the DM telling `reportTo` about it, in one
 * change, only the first time its key is seen: a failure seen again by a retry, a second
 * instance or after a crash is not recorded twice.
 */
async function recordFailureOnce(
  deps: WorkerRuntime['deps'],
  teamId: string,
  report: FailureReport,
): Promise<void> {
  await runChange(deps, teamId, report.actorId, async (change) => {
    if (!(await claimOnce(change.trx, teamId, `failure:${report.key}`))) return;
    await change.record({
      engagementId: report.engagementId,
      kind: 'slack.error',
      subjectRef: null,
      summary: `Slack refused to ${report.attempted}: ${report.error} (${report.method}).`,
      details: {
        method: report.method,
        error: report.error,
        ...report.details,
        ...(report.channelId ? { channel: report.channelId } : {}),
        ...(report.userId ? { user: report.userId } : {}),
      },
    });
    const recipients = [...new Set(report.reportTo.filter(Boolean))];
    if (recipients.length === 0) return;
    await change.enqueue(
      REPORT_SLACK_FAILURE,
      {
        teamId,
        slug: report.slug ?? null,
        recipients,
        ...(report.notDone && report.notDone.length > 0 ? { notDone: [...report.notDone] } : {}),
        ...(report.retryValue ? { retryValue: report.retryValue } : {}),
        steps: [
          {
            method: report.method,
            error: report.error,
            attempted: report.attempted,
            manualFix: report.manualFix,
            ...(report.userId ? { userId: report.userId } : {}),
            ...(report.channelId ? { channelId: report.channelId } : {}),
          },
        ],
      },
      { key: `failure:${report.key}` },
    );
  });
}
