import { z } from 'zod';
import { JOB } from '../services/follow-up.js';
import { deliverMessage } from './deliver.js';
import { defineJob } from './job.js';

export const SEND_NOTICE = JOB.sendNotice;

/** A failure worth reporting: recorded as `slack.error` in the engagement, people told. */
const undelivered = z.object({
  engagementId: z.string(),
  slug: z.string(),
  actorId: z.string(),
  attempted: z.string(),
  manualFix: z.string(),
  reportTo: z.array(z.string()),
});

/**
 * DMs one person a notice rendered when the change committed (a Diagnostic awaiting review, a
 * review decision, a fit verdict, an engagement summary), delivered once. Key: the change's
 * notice and the recipient. With `undelivered`, a refusal is recorded once and reported; without
 * it (a receipt to the person who acted) it is only logged.
 */
export const sendNotice = defineJob({
  name: SEND_NOTICE,
  kind: 'once',
  payload: z.object({
    teamId: z.string(),
    userId: z.string(),
    message: z.object({ text: z.string(), blocks: z.array(z.any()).optional() }),
    undelivered: undelivered.optional(),
  }),
  async handle(ctx, p) {
    await deliverMessage(ctx, {
      key: `notice:${ctx.job.key}`,
      channel: p.userId,
      message: p.message as { text: string },
    });
  },
  failure(_ctx, p, failed) {
    const u = p.undelivered;
    if (!u) return undefined;
    return {
      key: failed.key,
      engagementId: u.engagementId,
      slug: u.slug,
      actorId: u.actorId,
      method: failed.method,
      error: failed.error,
      attempted: u.attempted,
      manualFix: u.manualFix,
      reportTo: u.reportTo.filter((id) => id && id !== p.userId),
      userId: p.userId,
    };
  },
});
