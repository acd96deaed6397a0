import { z } from 'zod';
import { JOB } from '../services/follow-up.js';
import { loadGovernanceView } from '../services/governance-view-service.js';
import { escalationMessage, riskMessage } from '../slack/blocks/risk.js';
import { defineJob } from './job.js';
import { SlackCallFailed } from './slack-failure.js';

export const UPDATE_GOVERNANCE_COPIES = JOB.updateGovernanceCopies;

/**
 * Re-renders every stored DM of a risk or an escalation in place from the latest committed state
 * (who acknowledged or resolved it, and when). Key: `<subject>:<id>`; kind `latest`, so any number
 * of presses end with every copy showing the last state. A copy Slack will not update is recorded
 * once as `slack.error`; a 5xx or timeout retries the refresh.
 */
export const updateGovernanceCopies = defineJob({
  name: UPDATE_GOVERNANCE_COPIES,
  kind: 'latest',
  payload: z.object({
    teamId: z.string(),
    subject: z.enum(['risk', 'escalation']),
    id: z.string(),
  }),
  async handle(ctx, p) {
    const view = await loadGovernanceView(ctx.deps, p.teamId, p.subject, p.id);
    if (!view) return;
    let retry: SlackCallFailed | undefined;
    await Promise.all(
      view.copies.map(async (copy) => {
        const message =
          view.kind === 'risk' ? riskMessage(view) : escalationMessage(view, copy.recipientId);
        try {
          await ctx.call('chat.update', () =>
            ctx.client.chat.update({ channel: copy.channelId, ts: copy.ts, ...message }),
          );
        } catch (error) {
          if (!(error instanceof SlackCallFailed)) throw error;
          if (error.failure.kind !== 'permanent') {
            retry ??= error;
            return;
          }
          await ctx.reportFailure({
            key: `governance-copy:${copy.channelId}:${copy.ts}:${view.state}`,
            engagementId: view.engagement.id,
            slug: view.engagement.slug,
            actorId: view.raisedBy,
            method: 'chat.update',
            error: error.failure.code,
            attempted: `update <@${copy.recipientId ?? 'someone'}>'s copy of ${view.ref} in place`,
            manualFix: `${view.ref} is ${view.state} whatever that copy shows; \`/amos status ${view.engagement.slug}\` shows where it stands.`,
            reportTo: [view.engagement.operatorId],
            ...(copy.recipientId ? { userId: copy.recipientId } : { channelId: copy.channelId }),
            details: { ref: view.ref, channel: copy.channelId, ts: copy.ts },
          });
        }
      }),
    );
    if (retry) throw retry;
  },
});
