import { z } from 'zod';
import { type ApprovalRequestRow, findApprovalRequest } from '../db/approval-repository.js';
import {
  type ApprovalView,
  loadApprovalView,
  rememberApprovalCopy,
} from '../services/approval-view-service.js';
import { JOB } from '../services/follow-up.js';
import { approvalMessage } from '../slack/blocks/approval.js';
import { deliverMessage } from './deliver.js';
import { defineJob } from './job.js';
import { UPDATE_APPROVAL_COPIES } from './update-approval-copies.js';

export const SEND_APPROVAL_REQUEST = JOB.sendApprovalRequest;

/**
 * DMs one sponsor the approval request (an author gets a copy without buttons) and stores the
 * copy, so it is updated in place when the request moves. Key: `<request>:<user>`. When the
 * request moved while the DM was on its way, a refresh of the copies is enqueued so this copy
 * shows the latest state too.
 */
/** What this DM showed that a vote can move (other copies being added does not matter here). */
const shown = (view: ApprovalView) => `${view.status}|${view.votes.length}`;
const shownNow = (row: ApprovalRequestRow) => `${row.status}|${row.votes.length}`;

export const sendApprovalRequest = defineJob({
  name: SEND_APPROVAL_REQUEST,
  kind: 'once',
  concurrency: 10,
  payload: z.object({ teamId: z.string(), approvalRequestId: z.string(), userId: z.string() }),
  async handle(ctx, p) {
    const view = await loadApprovalView(ctx.deps, p.teamId, p.approvalRequestId);
    if (!view) return;
    const delivered = await deliverMessage(ctx, {
      key: `approval-dm:${p.approvalRequestId}:${p.userId}`,
      channel: p.userId,
      message: approvalMessage(view, p.userId),
    });
    if (!delivered.channelId || !delivered.ts) return;
    await rememberApprovalCopy(ctx.deps, {
      teamId: p.teamId,
      approvalRequestId: p.approvalRequestId,
      channelId: delivered.channelId,
      ts: delivered.ts,
      recipientId: p.userId,
    });
    // Whether it moved meanwhile: its row alone (one statement), not the whole view again.
    const now = await findApprovalRequest(ctx.deps.db, p.teamId, p.approvalRequestId);
    if (now && (!delivered.postedNow || shownNow(now) !== shown(view))) {
      await ctx.enqueue(
        UPDATE_APPROVAL_COPIES,
        { teamId: p.teamId, approvalRequestId: p.approvalRequestId, homes: false },
        { key: p.approvalRequestId },
      );
    }
  },
  async failure(ctx, p, failed) {
    const view = await loadApprovalView(ctx.deps, p.teamId, p.approvalRequestId);
    if (!view) return undefined;
    return {
      key: failed.key,
      engagementId: view.engagement.id,
      slug: view.engagement.slug,
      actorId: view.requestedBy,
      method: failed.method,
      error: failed.error,
      attempted: `DM the approval request ${view.ref} to <@${p.userId}>`,
      manualFix: `Let <@${p.userId}> know ${view.ref} waits on them: \`/amos approve\` lists it.`,
      reportTo: [view.requestedBy],
      userId: p.userId,
      details: { ref: view.ref, user: p.userId },
    };
  },
});
