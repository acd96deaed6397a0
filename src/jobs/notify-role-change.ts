import { z } from 'zod';
import { JOB } from '../services/follow-up.js';
import { roleNoticeMessage } from '../slack/blocks/roles.js';
import { deliverMessage } from './deliver.js';
import { defineJob } from './job.js';

export const NOTIFY_ROLE_CHANGE = JOB.notifyRoleChange;

/**
 * Tells a person by DM that an admin granted or revoked one of their roles. Key: the
 * `role.granted` / `role.revoked` record (its sequence number in the workspace chain).
 */
export const notifyRoleChange = defineJob({
  name: NOTIFY_ROLE_CHANGE,
  kind: 'once',
  payload: z.object({
    teamId: z.string(),
    action: z.enum(['grant', 'revoke']),
    userId: z.string(),
    role: z.enum(['admin', 'executive', 'operator', 'partner']),
    actorId: z.string(),
  }),
  async handle(ctx, p) {
    await deliverMessage(ctx, {
      key: `role-notice:${ctx.job.key}`,
      channel: p.userId,
      message: roleNoticeMessage(
        p.action,
        { userId: p.userId, role: p.role, changed: true },
        p.actorId,
      ),
    });
  },
  failure: (_ctx, p, failed) => ({
    key: failed.key,
    engagementId: null,
    actorId: p.actorId,
    method: failed.method,
    error: failed.error,
    attempted: `tell <@${p.userId}> that their ${p.role} role was ${p.action === 'grant' ? 'granted' : 'revoked'}`,
    manualFix: `Tell <@${p.userId}> yourself.`,
    reportTo: [p.actorId],
    userId: p.userId,
  }),
});
