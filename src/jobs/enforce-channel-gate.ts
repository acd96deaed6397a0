import { z } from 'zod';
import { isDelivered } from '../db/delivery-repository.js';
import type { Stage } from '../domain/engagement.js';
import { JOB } from '../services/follow-up.js';
import { gateDecisionStands, recordJoinOutcome } from '../services/gating-service.js';
import {
  operatorWarnNotice,
  partnerRemovedNotice,
  partnerWarnedNotice,
} from '../slack/blocks/gating.js';
import { deliverMessage } from './deliver.js';
import { defineJob, type FailureReport, type JobContext } from './job.js';
import { SlackCallFailed } from './slack-failure.js';

export const ENFORCE_CHANNEL_GATE = JOB.enforceChannelGate;

const payload = z.object({
  teamId: z.string(),
  userId: z.string(),
  action: z.enum(['remove', 'warn']),
  reason: z.string(),
  joinedSeq: z.number().int(),
  engagement: z.object({
    id: z.string(),
    slug: z.string(),
    stage: z.string(),
    operatorId: z.string(),
    partnerChannelId: z.string(),
  }),
});
type Gate = z.infer<typeof payload>;

/**
 * Carries out "this partner user must not be in this channel", decided and recorded as
 * `boundary.partner_joined` by the gating service (from the member_joined_channel listener, and
 * from the scheduler's reconciliation): in enforce mode the partner is removed and told why, in
 * warn mode warned in the channel and the operator told privately. `boundary.partner_removed` /
 * `boundary.partner_warned` is recorded once Slack did it (once, however often the job runs); a
 * refusal is recorded once as `slack.error` and reported to the operator. Key:
 * `<engagement>:<user>:<joined record seq>`.
 */
export const enforceChannelGate = defineJob({
  name: ENFORCE_CHANNEL_GATE,
  kind: 'once',
  payload,
  async handle(ctx, p) {
    // Decided under an older stage: a resume or termination committed since supersedes it.
    const stands = await gateDecisionStands(ctx.deps, {
      teamId: p.teamId,
      engagementId: p.engagement.id,
      userId: p.userId,
      decidedAt: p.engagement.stage as Stage,
    });
    if (!stands) {
      ctx.logger.info(
        { engagementId: p.engagement.id, action: p.action },
        'gate decision superseded',
      );
      return;
    }
    if (p.action === 'remove') await remove(ctx, p);
    else await warn(ctx, p);
  },
});

/** Runs a Slack step; a permanent refusal is reported (once) and the step skipped. */
async function step(
  ctx: JobContext,
  p: Gate,
  report: Omit<
    FailureReport,
    'key' | 'engagementId' | 'slug' | 'actorId' | 'method' | 'error' | 'reportTo'
  > & {
    method: string;
    name: string;
  },
  run: () => Promise<unknown>,
): Promise<boolean> {
  try {
    await run();
    return true;
  } catch (error) {
    if (!(error instanceof SlackCallFailed) || error.failure.kind !== 'permanent') throw error;
    const { name, ...rest } = report;
    await ctx.reportFailure({
      ...rest,
      key: `${ctx.job.key}:${name}`,
      engagementId: p.engagement.id,
      slug: p.engagement.slug,
      actorId: p.userId,
      error: error.failure.code,
      reportTo: [p.engagement.operatorId],
    });
    return false;
  }
}

const outcome = (ctx: JobContext, p: Gate, onceKey: string) =>
  recordJoinOutcome(ctx.deps, {
    teamId: p.teamId,
    userId: p.userId,
    engagement: { ...p.engagement, stage: p.engagement.stage as never },
    action: p.action,
    joinedSeq: p.joinedSeq,
    onceKey,
  });

async function remove(ctx: JobContext, p: Gate): Promise<void> {
  const channel = p.engagement.partnerChannelId;
  const user = p.userId;
  const kickedKey = `gate:${ctx.job.key}:removed`;
  if (!(await isDelivered(ctx.deps.db, ctx.teamId, kickedKey))) {
    let absent = false;
    const kicked = await step(
      ctx,
      p,
      {
        name: 'kick',
        method: 'conversations.kick',
        attempted: `remove partner <@${user}> from <#${channel}>`,
        manualFix: `Remove <@${user}> from <#${channel}> by hand: the channel is gated, so partners may not be there yet.`,
        channelId: channel,
        userId: user,
      },
      async () => {
        try {
          await ctx.call('conversations.kick', () =>
            ctx.client.conversations.kick({ channel, user }),
          );
        } catch (error) {
          // Not there (left, or removed meanwhile by another job, e.g. a termination's closing
          // job): the gate holds, nothing to remove, record or report.
          if (error instanceof SlackCallFailed && error.failure.code === 'not_in_channel') {
            absent = true;
            return;
          }
          throw error;
        }
      },
    );
    if (!kicked || absent) return;
    await outcome(ctx, p, kickedKey);
  }
  await step(
    ctx,
    p,
    {
      name: 'removed-notice',
      method: 'chat.postMessage',
      attempted: `tell <@${user}> why they were removed from <#${channel}>`,
      manualFix: `Let <@${user}> know the partner channel opens at activation.`,
      userId: user,
    },
    () =>
      deliverMessage(ctx, {
        key: `gate:${ctx.job.key}:removed-notice`,
        channel: user,
        message: { text: partnerRemovedNotice(p.engagement.slug, channel, p.reason) },
      }),
  );
}

async function warn(ctx: JobContext, p: Gate): Promise<void> {
  const channel = p.engagement.partnerChannelId;
  const user = p.userId;
  const warnedKey = `gate:${ctx.job.key}:warned`;
  if (!(await isDelivered(ctx.deps.db, ctx.teamId, warnedKey))) {
    const warned = await step(
      ctx,
      p,
      {
        name: 'warning',
        method: 'chat.postEphemeral',
        attempted: `warn partner <@${user}> in <#${channel}>`,
        manualFix: `Tell <@${user}> the channel is not open to partners yet, or remove them.`,
        channelId: channel,
        userId: user,
      },
      () =>
        ctx.call('chat.postEphemeral', () =>
          ctx.client.chat.postEphemeral({
            channel,
            user,
            text: partnerWarnedNotice(p.engagement.slug, p.reason),
          }),
        ),
    );
    if (warned) await outcome(ctx, p, warnedKey);
  }
  // The operator is told privately: a notice in the gated channel would be read by the
  // partner it is about, and an operator outside the channel would never see it.
  const operator = p.engagement.operatorId;
  await step(
    ctx,
    p,
    {
      name: 'operator-notice',
      method: 'chat.postMessage',
      attempted: `tell the operator <@${operator}> that partner <@${user}> joined <#${channel}>`,
      manualFix: `Partner <@${user}> joined <#${channel}> while it is gated: remove them by hand if they should not be there.`,
      channelId: channel,
      userId: user,
    },
    () =>
      deliverMessage(ctx, {
        key: `gate:${ctx.job.key}:operator-notice`,
        channel: operator,
        message: { text: operatorWarnNotice(channel, user, p.engagement.slug, p.reason) },
      }),
  );
}
