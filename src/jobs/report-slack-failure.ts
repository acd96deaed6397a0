import { z } from 'zod';
import { slackErrorNotice } from '../slack/blocks/slack-error.js';
import { deliverMessage } from './deliver.js';
import { defineJob } from './job.js';
import { REPORT_SLACK_FAILURE } from './job-context.js';

const step = z.object({
  method: z.string(),
  error: z.string(),
  attempted: z.string(),
  manualFix: z.string(),
  userId: z.string().optional(),
  channelId: z.string().optional(),
});

/**
 * Tells each recipient by DM what Slack refused, why and what to do (the `slack.error` is
 * already recorded). Key: the failure's key. Its own failure is only logged: there is no one
 * left to tell.
 */
export const reportSlackFailure = defineJob({
  name: REPORT_SLACK_FAILURE,
  kind: 'once',
  payload: z.object({
    teamId: z.string(),
    slug: z.string().nullable(),
    recipients: z.array(z.string()),
    steps: z.array(step).min(1),
    retryValue: z.string().optional(),
    notDone: z.array(z.string()).optional(),
  }),
  async handle(ctx, p) {
    const notice = slackErrorNotice(p.slug ?? 'workspace', p.steps, {
      ...(p.retryValue ? { retryValue: p.retryValue } : {}),
      ...(p.notDone ? { notDone: p.notDone } : {}),
    });
    for (const userId of p.recipients) {
      await deliverMessage(ctx, {
        key: `${ctx.job.key}:to:${userId}`,
        channel: userId,
        message: notice,
      });
    }
  },
});
