import { z } from 'zod';
import { charterProgress } from '../services/charter-service.js';
import { JOB } from '../services/follow-up.js';
import { charterAckMessage } from '../slack/blocks/activation.js';
import { postToResponseUrl } from '../slack/response-url.js';
import { defineJob } from './job.js';

export const UPDATE_CHARTER_ACK = JOB.updateCharterAck;

/**
 * Re-renders the charter acknowledgement request in the partner channel, in place, from the
 * acknowledgements committed now (`chat.update` is safe to repeat). Key: the engagement and the
 * message. Coalesced: of several clicks in a moment, the update that starts renders them all.
 * If Slack refuses, it is recorded once as `slack.error` and the partner who clicked is told
 * (through the click's response_url) that their acknowledgement stands.
 */
export const updateCharterAck = defineJob({
  name: UPDATE_CHARTER_ACK,
  kind: 'latest',
  payload: z.object({
    teamId: z.string(),
    engagementId: z.string(),
    channelId: z.string(),
    ts: z.string(),
    actorId: z.string(),
    responseUrl: z.string().optional(),
  }),
  async handle(ctx, p) {
    const progress = await charterProgress(ctx.deps, p.teamId, p.engagementId);
    if (!progress) return;
    const message = charterAckMessage({
      engagementId: progress.engagement.id,
      slug: progress.engagement.slug,
      memberIds: progress.memberIds,
      acks: progress.acks,
    });
    await ctx.call('chat.update', () =>
      ctx.client.chat.update({ channel: p.channelId, ts: p.ts, ...message }),
    );
  },
  async failure(ctx, p, failed) {
    const progress = await charterProgress(ctx.deps, p.teamId, p.engagementId);
    if (!progress) return undefined;
    const { slug } = progress.engagement;
    await postToResponseUrl(
      p.responseUrl,
      {
        response_type: 'ephemeral',
        replace_original: false,
        text: `Slack did not let me update the acknowledgement message above (\`${failed.error}\`), so it may not show you yet. Your acknowledgement is recorded; this failure is too.`,
      },
      ctx.logger,
    );
    return {
      key: `${failed.key}:${p.actorId}`,
      engagementId: p.engagementId,
      slug,
      actorId: p.actorId,
      method: failed.method,
      error: failed.error,
      attempted: `show <@${p.actorId}>'s charter acknowledgement on the request in <#${p.channelId}>`,
      manualFix: `Nothing is lost: the acknowledgement is recorded; \`/amos log ${slug}\` lists it.`,
      reportTo: [],
      channelId: p.channelId,
      userId: p.actorId,
    };
  },
});
