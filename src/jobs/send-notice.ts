import { z } from 'zod';
import { JOB } from '../services/follow-up.js';
import { deliverMessage } from './deliver.js';
import { defineJob } from './job.js';

export const SEND_NOTICE = JOB.sendNotice;

/** A failure worth reporting: recorded as `slack.error` in the engagement, people told. */
const undelivered = z.object({
  /** Null: the workspace chain (a notice about no engagement, such as a fit verdict). */
  engagementId: z.string().nullable(),
  slug: z.string().optional(),
  actorId: z.string(),
  attempted: z.string(),
  manualFix: z.string(),
  reportTo: z.array(z.string()),
  /** Ids kept in the record; never message bodies. */
  details: z.record(z.string(), z.string()).optional(),
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
      ...(u.slug ? { slug: u.slug } : {}),
      actorId: u.actorId,
      method: failed.method,
      error: failed.error,
      attempted: u.attempted,
      manualFix: u.manualFix,
      reportTo: u.reportTo.filter((id) => id && id !== p.userId),
      userId: p.userId,
      ...(u.details ? { details: u.details } : {}),
    };
  },
});
