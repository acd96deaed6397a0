import { z } from 'zod';
import { secondsUntilWorkingHours } from '../services/escalation-service.js';
import { JOB } from '../services/follow-up.js';
import {
  type GovernanceView,
  governanceShown,
  governanceShownNow,
  loadGovernanceView,
  rememberGovernanceCopy,
} from '../services/governance-view-service.js';
import { escalationMessage, riskMessage } from '../slack/blocks/risk.js';
import { deliverMessage } from './deliver.js';
import { defineJob } from './job.js';
import { RunAgainLater, SlackCallFailed } from './slack-failure.js';
import { UPDATE_GOVERNANCE_COPIES } from './update-governance-copies.js';

export const SEND_GOVERNANCE_DM = JOB.sendGovernanceDm;

/** A risk's or an escalation's DM as one recipient sees it. */
export function governanceMessage(view: GovernanceView, recipientId: string | null) {
  return view.kind === 'risk' ? riskMessage(view) : escalationMessage(view, recipientId);
}

/**
 * DMs one person a risk (its internal audience) or an escalation (a level of its path): the DM
 * opened with conversations.open, posted once per key (`risk:<id>:<user>` or
 * `escalation:<id>:<step>:<user>`), and stored as a copy so it is updated in place when the item
 * moves. When it moved while the DM was on its way, the copies are refreshed.
 */
export const sendGovernanceDm = defineJob({
  name: SEND_GOVERNANCE_DM,
  kind: 'once',
  concurrency: 10,
  payload: z.object({
    teamId: z.string(),
    subject: z.enum(['risk', 'escalation']),
    id: z.string(),
    userId: z.string(),
  }),
  async handle(ctx, p) {
    const view = await loadGovernanceView(ctx.deps, p.teamId, p.subject, p.id);
    if (!view) return;
    // Working hours in the recipient's own zone (critical ones go at once).
    const wait = await secondsUntilWorkingHours(
      ctx.deps,
      { teamId: p.teamId, userId: p.userId, severity: view.severity },
      async (_team, user) => {
        try {
          const info = await ctx.call('users.info', () => ctx.client.users.info({ user }));
          return (info.user?.tz as string | undefined) ?? null;
        } catch (error) {
          // Rate limited or a blip: the job runs again. Slack refusing (user_not_found, a
          // missing scope) means it cannot tell: UTC, cached.
          if (error instanceof SlackCallFailed && error.failure.kind === 'permanent') return null;
          throw error;
        }
      },
    );
    if (wait > 0) throw new RunAgainLater(wait, 'outside the recipient’s working hours');
    const opened = await ctx.call('conversations.open', () =>
      ctx.client.conversations.open({ users: p.userId }),
    );
    const channel = opened.channel?.id ?? p.userId;
    const delivered = await deliverMessage(ctx, {
      key: `governance-dm:${ctx.job.key}`,
      channel,
      message: governanceMessage(view, p.userId),
    });
    if (!delivered.channelId || !delivered.ts) return;
    await rememberGovernanceCopy(ctx.deps, {
      teamId: p.teamId,
      subject: p.subject,
      id: p.id,
      channelId: delivered.channelId,
      ts: delivered.ts,
      recipientId: p.userId,
    });
    const now = await governanceShownNow(ctx.deps, p.teamId, p.subject, p.id);
    if (now !== undefined && (!delivered.postedNow || now !== governanceShown(view))) {
      await ctx.enqueue(
        UPDATE_GOVERNANCE_COPIES,
        { teamId: p.teamId, subject: p.subject, id: p.id },
        { key: `${p.subject}:${p.id}` },
      );
    }
  },
  async failure(ctx, p, failed) {
    const view = await loadGovernanceView(ctx.deps, p.teamId, p.subject, p.id);
    if (!view) return undefined;
    const what = view.kind === 'risk' ? `the risk ${view.ref}` : `the escalation ${view.ref}`;
    return {
      key: failed.key,
      engagementId: view.engagement.id,
      slug: view.engagement.slug,
      actorId: view.raisedBy,
      method: failed.method,
      error: failed.error,
      attempted: `DM ${what} to <@${p.userId}>`,
      manualFix: `Let <@${p.userId}> know ${view.ref} waits on them: \`/amos status ${view.engagement.slug}\` lists it.`,
      // The operator runs the engagement and can tell them; a partner who raised it cannot.
      reportTo: [view.engagement.operatorId].filter((id) => id !== p.userId),
      userId: p.userId,
      details: { ref: view.ref, user: p.userId },
    };
  },
});
