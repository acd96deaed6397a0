import { z } from 'zod';
import { loadApprovalView } from '../services/approval-view-service.js';
import { JOB } from '../services/follow-up.js';
import { requesterNotice } from '../slack/blocks/approval.js';
import { deliverMessage } from './deliver.js';
import { defineJob } from './job.js';

export const NOTIFY_REQUESTER = JOB.notifyRequester;

/** Tells the requester by DM that their request was decided (who, when, why). Key: the request. */
export const notifyRequester = defineJob({
  name: NOTIFY_REQUESTER,
  kind: 'once',
  payload: z.object({ teamId: z.string(), approvalRequestId: z.string() }),
  async handle(ctx, p) {
    const view = await loadApprovalView(ctx.deps, p.teamId, p.approvalRequestId);
    if (!view) return;
    await deliverMessage(ctx, {
      key: `requester-notice:${p.approvalRequestId}`,
      channel: view.requestedBy,
      message: requesterNotice(view),
    });
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
      attempted: `tell <@${view.requestedBy}> that ${view.ref} was ${view.status}`,
      manualFix: `\`/amos status ${view.engagement.slug}\` shows where ${view.ref} stands.`,
      reportTo: [],
      userId: view.requestedBy,
      details: { ref: view.ref, user: view.requestedBy },
    };
  },
});
