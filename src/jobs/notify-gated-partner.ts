import { z } from 'zod';
import { JOB } from '../services/follow-up.js';
import { partnerMessageNotice } from '../slack/blocks/gating.js';
import { deliverEphemeral } from './deliver.js';
import { defineJob } from './job.js';

export const NOTIFY_GATED_PARTNER = JOB.notifyGatedPartner;

/**
 * Tells a partner who posted in a gated partner channel, privately (an ephemeral there), that the
 * channel is not open for partner work yet and why; committed with the `boundary.partner_message`
 * record. Key: the engagement and that record's seq. Shown at most once. A refusal is recorded
 * once as `slack.error` and reported to the operator.
 */
export const notifyGatedPartner = defineJob({
  name: NOTIFY_GATED_PARTNER,
  kind: 'once',
  payload: z.object({
    teamId: z.string(),
    userId: z.string(),
    reason: z.string(),
    engagement: z.object({
      id: z.string(),
      slug: z.string(),
      operatorId: z.string(),
      partnerChannelId: z.string(),
    }),
  }),
  async handle(ctx, p) {
    await deliverEphemeral(ctx, {
      key: `gated-message:${ctx.job.key}`,
      channel: p.engagement.partnerChannelId,
      user: p.userId,
      text: partnerMessageNotice(p.engagement.slug, p.reason),
    });
  },
  failure(_ctx, p, failed) {
    const channel = p.engagement.partnerChannelId;
    return {
      key: failed.key,
      engagementId: p.engagement.id,
      slug: p.engagement.slug,
      actorId: p.userId,
      method: failed.method,
      error: failed.error,
      attempted: `tell partner <@${p.userId}> that <#${channel}> is gated`,
      manualFix: `Tell <@${p.userId}> the channel is not open for partner work yet.`,
      reportTo: [p.engagement.operatorId],
      channelId: channel,
      userId: p.userId,
    };
  },
});
