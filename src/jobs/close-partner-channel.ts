import { z } from 'zod';
import { isDelivered } from '../db/delivery-repository.js';
import { partnerUsersAmong } from '../db/reconcile-repository.js';
import {
  type ClosingSummary,
  loadClosingSummary,
  recordChannelArchived,
} from '../services/closing-summary-service.js';
import { JOB } from '../services/follow-up.js';
import { recordJoinOutcome } from '../services/gating-service.js';
import { finalSummaryMessage, partnerTerminatedNotice } from '../slack/blocks/stop-authority.js';
import { deliverMessage } from './deliver.js';
import { defineJob, type JobContext } from './job.js';
import { SlackCallFailed } from './slack-failure.js';

export const CLOSE_PARTNER_CHANNEL = JOB.closePartnerChannel;

const PAGE = 200;

const payload = z.object({
  teamId: z.string(),
  engagementId: z.string(),
  /** The executive who terminated: named in any failure record and told of it. */
  actorId: z.string(),
  /** The seq of the `engagement.terminated` record. */
  recordSeq: z.number().int(),
});
type Close = z.infer<typeof payload>;

/**
 * Closes a terminated engagement's partner channel, in order: every partner user in it removed
 * (`boundary.partner_removed` recorded once each, the partner told why by DM), the final
 * summary of the decision record posted, the channel archived (`channel.archived` recorded).
 * Key: `<engagement>:<terminate record seq>`. Each step is stored in the delivery ledger before
 * the next, so a retry redoes only what is not done; a permanent refusal is recorded once as
 * `slack.error` and reported to the executive and the operator, and the job goes on (a channel
 * that cannot be archived still got its summary).
 */
export const closePartnerChannel = defineJob({
  name: CLOSE_PARTNER_CHANNEL,
  kind: 'once',
  payload,
  async handle(ctx, p) {
    const summary = await loadClosingSummary(ctx.deps, p.teamId, p.engagementId);
    if (!summary) return;
    const channel = summary.partnerChannelId;
    const members = await channelMembers(ctx, p, summary);
    for (const userId of await partnerUsersAmong(ctx.deps.db, p.teamId, members ?? [])) {
      await removePartner(ctx, p, summary, userId);
    }
    await step(ctx, p, summary, 'summary', 'chat.postMessage', 'post the final summary', () =>
      deliverMessage(ctx, {
        key: `close:${ctx.job.key}:summary`,
        channel,
        message: finalSummaryMessage(summary),
      }),
    );
    const archivedKey = `close:${ctx.job.key}:archived`;
    if (await isDelivered(ctx.deps.db, p.teamId, archivedKey)) return;
    const archived = await step(
      ctx,
      p,
      summary,
      'archive',
      'conversations.archive',
      'archive the partner channel',
      async () => {
        try {
          await ctx.call('conversations.archive', () =>
            ctx.client.conversations.archive({ channel }),
          );
        } catch (error) {
          // Archived already (a retry after a lost answer, or by hand): done.
          if (error instanceof SlackCallFailed && error.failure.code === 'already_archived') return;
          throw error;
        }
      },
    );
    if (archived) {
      await recordChannelArchived(ctx.deps, {
        teamId: p.teamId,
        userId: p.actorId,
        engagementId: p.engagementId,
        channelId: channel,
        onceKey: archivedKey,
      });
    }
  },
});

/** The channel's members (every page); undefined when Slack refuses to list them (reported). */
async function channelMembers(
  ctx: JobContext,
  p: Close,
  s: ClosingSummary,
): Promise<string[] | undefined> {
  const members: string[] = [];
  const ok = await step(
    ctx,
    p,
    s,
    'members',
    'conversations.members',
    'list the partner channel’s members',
    async () => {
      let cursor: string | undefined;
      do {
        const page = await ctx.call('conversations.members', () =>
          ctx.client.conversations.members({
            channel: s.partnerChannelId,
            limit: PAGE,
            ...(cursor ? { cursor } : {}),
          }),
        );
        members.push(...(page.members ?? []));
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor);
    },
  );
  return ok ? members : undefined;
}

async function removePartner(ctx: JobContext, p: Close, s: ClosingSummary, userId: string) {
  const channel = s.partnerChannelId;
  const removedKey = `close:${ctx.job.key}:${userId}:removed`;
  if (!(await isDelivered(ctx.deps.db, p.teamId, removedKey))) {
    const kicked = await step(
      ctx,
      p,
      s,
      `kick:${userId}`,
      'conversations.kick',
      `remove partner <@${userId}> from <#${channel}>`,
      async () => {
        try {
          await ctx.call('conversations.kick', () =>
            ctx.client.conversations.kick({ channel, user: userId }),
          );
        } catch (error) {
          if (error instanceof SlackCallFailed && error.failure.code === 'not_in_channel') return;
          throw error;
        }
      },
      userId,
    );
    if (!kicked) return;
    await recordJoinOutcome(ctx.deps, {
      teamId: p.teamId,
      userId,
      engagement: {
        id: s.engagementId,
        slug: s.slug,
        stage: 'terminated',
        operatorId: s.operatorId,
        partnerChannelId: channel,
      },
      action: 'remove',
      joinedSeq: p.recordSeq,
      onceKey: removedKey,
    });
  }
  await step(
    ctx,
    p,
    s,
    `notice:${userId}`,
    'chat.postMessage',
    `tell <@${userId}> the engagement was terminated`,
    () =>
      deliverMessage(ctx, {
        key: `close:${ctx.job.key}:${userId}:notice`,
        channel: userId,
        message: { text: partnerTerminatedNotice(s.slug, channel, s.reason) },
      }),
    userId,
  );
}

/** Runs a Slack step; a permanent refusal is reported (once) and false returned. */
async function step(
  ctx: JobContext,
  p: Close,
  s: ClosingSummary,
  name: string,
  method: string,
  attempted: string,
  run: () => Promise<unknown>,
  userId?: string,
): Promise<boolean> {
  try {
    await run();
    return true;
  } catch (error) {
    if (!(error instanceof SlackCallFailed) || error.failure.kind !== 'permanent') throw error;
    await ctx.reportFailure({
      key: `${ctx.job.key}:${name}`,
      engagementId: s.engagementId,
      slug: s.slug,
      actorId: p.actorId,
      method,
      error: error.failure.code,
      attempted,
      manualFix: `${s.slug} is terminated whatever Slack shows: ${attempted} by hand.`,
      reportTo: [p.actorId, s.operatorId],
      channelId: s.partnerChannelId,
      ...(userId ? { userId } : {}),
    });
    return false;
  }
}
