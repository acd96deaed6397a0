import { z } from 'zod';
import { scopeAmendmentNotice } from '../services/change-request-service.js';
import { JOB } from '../services/follow-up.js';
import { scopeAmendedNotice } from '../slack/blocks/governed-delivery.js';
import { deliverMessage } from './deliver.js';
import { defineJob } from './job.js';

export const NOTIFY_SCOPE_AMENDED = JOB.notifyScopeAmended;

/**
 * Tells the partner channel that a change request was approved and what it changed, as the new
 * scope version holds it (committed state). Key: the change request.
 */
export const notifyScopeAmended = defineJob({
  name: NOTIFY_SCOPE_AMENDED,
  kind: 'once',
  payload: z.object({ teamId: z.string(), changeRequestId: z.string() }),
  async handle(ctx, p) {
    const notice = await scopeAmendmentNotice(ctx.deps, p.teamId, p.changeRequestId);
    if (!notice) return;
    await deliverMessage(ctx, {
      key: `scope-amended:${p.changeRequestId}`,
      channel: notice.channelId,
      message: scopeAmendedNotice(notice),
    });
  },
  async failure(ctx, p, failed) {
    const notice = await scopeAmendmentNotice(ctx.deps, p.teamId, p.changeRequestId);
    if (!notice) return undefined;
    return {
      key: failed.key,
      engagementId: notice.engagementId,
      slug: notice.slug,
      actorId: notice.raisedBy,
      channelId: notice.channelId,
      method: failed.method,
      error: failed.error,
      attempted: `tell the partner channel that ${notice.changeRef} amended the scope (version ${notice.version})`,
      manualFix: `Point the partner to \`/amos scope ${notice.slug} --version ${notice.version}\`.`,
      reportTo: [],
      details: { ref: notice.changeRef, version: notice.version },
    };
  },
});
