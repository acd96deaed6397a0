import { z } from 'zod';
import { waitingListsShowing } from '../db/approval-list-repository.js';
import { findApprovalRequest } from '../db/approval-repository.js';
import { loadApprovalView, WAITING_LISTED } from '../services/approval-view-service.js';
import { JOB } from '../services/follow-up.js';
import { approvalHomeAudience } from '../services/home-service.js';
import { approvalMessage } from '../slack/blocks/approval.js';
import { defineJob } from './job.js';
import { PUBLISH_HOME } from './publish-home.js';
import { SlackCallFailed } from './slack-failure.js';

export const UPDATE_APPROVAL_COPIES = JOB.updateApprovalCopies;

/**
 * Re-renders every stored copy of an approval request in place from the latest committed state
 * (unless `copies` is false) and republishes App Home: `homes: true` for everyone it could show
 * the request to (a new request, a decision, a withdrawal: everyone's list or count moves);
 * `homes: 'shown'` (a vote that did not decide) only for those whose App Home shows the request
 * among the first of their waiting list, with its tally (the voter's own Home is the vote's own
 * publish-home job); `false` for none. A request's copies are refreshed under the key of the
 * request; its App Home fan-out for everyone under `<request>:homes` with `copies: false`, so a
 * vote's refresh never supersedes (and so drops) the fan-out of the request or its decision.
 * Key: the request. Refreshes of one request run one at a time and the one that starts
 * supersedes those queued (see JobKind `latest`), so any number of votes, on any number of
 * instances, end with every copy showing the last state. A copy Slack will not update is
 * recorded once as `slack.error` and the requester told; a 5xx or timeout retries the refresh.
 */
export const updateApprovalCopies = defineJob({
  name: UPDATE_APPROVAL_COPIES,
  kind: 'latest',
  payload: z.object({
    teamId: z.string(),
    approvalRequestId: z.string(),
    homes: z.union([z.boolean(), z.literal('shown')]).default(true),
    copies: z.boolean().default(true),
  }),
  async handle(ctx, p) {
    const view = await loadApprovalView(ctx.deps, p.teamId, p.approvalRequestId);
    if (!view) return;
    let retry: SlackCallFailed | undefined;
    await Promise.all(
      (p.copies ? view.copies : []).map(async (copy) => {
        try {
          await ctx.call('chat.update', () =>
            ctx.client.chat.update({
              channel: copy.channelId,
              ts: copy.ts,
              ...approvalMessage(view, copy.recipientId),
            }),
          );
        } catch (error) {
          if (!(error instanceof SlackCallFailed)) throw error;
          if (error.failure.kind !== 'permanent') {
            retry ??= error;
            return;
          }
          const whose = copy.recipientId
            ? `<@${copy.recipientId}>'s copy`
            : `the copy in <#${copy.channelId}>`;
          await ctx.reportFailure({
            key: `approval-copy:${copy.channelId}:${copy.ts}:${view.status}`,
            engagementId: view.engagement.id,
            slug: view.engagement.slug,
            actorId: view.requestedBy,
            method: 'chat.update',
            error: error.failure.code,
            attempted: `update ${whose} of the approval request ${view.ref} in place`,
            manualFix: `${view.ref} is ${view.status} whatever that copy shows. ${copy.recipientId ? `Let <@${copy.recipientId}> know` : 'Tell that channel'}; \`/amos status ${view.engagement.slug}\` shows where it stands.`,
            reportTo: [view.requestedBy],
            ...(copy.recipientId ? { userId: copy.recipientId } : { channelId: copy.channelId }),
            details: { ref: view.ref, channel: copy.channelId, ts: copy.ts },
          });
        }
      }),
    );
    if (retry) throw retry;
    if (!p.homes) return;
    let audience = await approvalHomeAudience(ctx.deps, p.teamId, view.engagement.sponsorIds);
    if (p.homes === 'shown') {
      const row = await findApprovalRequest(ctx.deps.db, p.teamId, p.approvalRequestId);
      if (row?.status !== 'pending') return;
      audience = await waitingListsShowing(ctx.deps.db, p.teamId, row, audience, WAITING_LISTED);
    }
    await ctx.enqueueAll(
      [...audience].map((userId) => ({
        name: PUBLISH_HOME,
        payload: { teamId: p.teamId, userId },
        options: { key: `home:${userId}` },
      })),
    );
  },
});
