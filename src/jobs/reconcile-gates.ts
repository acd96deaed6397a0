import { z } from 'zod';
import {
  alreadyWarned,
  listPartnerChannels,
  partnerUsersAmong,
} from '../db/reconcile-repository.js';
import { JOB } from '../services/follow-up.js';
import { handlePartnerJoin } from '../services/gating-service.js';
import { defineJob } from './job.js';
import { SlackCallFailed } from './slack-failure.js';

export const RECONCILE_GATES = JOB.reconcileGates;

const PAGE = 200;

/**
 * Gate reconciliation of one workspace: each partner channel's members (conversations.members,
 * every page) compared with its engagement's state; a partner user who may not be there goes
 * through the gating service as a join would (`boundary.partner_joined` recorded, removed or
 * warned by the enforce-channel-gate job). Catches joins whose events were missed while the app
 * was down. Key: `<team>:<interval start>`, so instances enqueue one run per interval. With
 * `engagementId`, only that engagement's channel (a pause closing its gate again; key
 * `<engagement>:<pause record seq>`).
 */
export const reconcileGates = defineJob({
  name: RECONCILE_GATES,
  kind: 'once',
  concurrency: 1,
  payload: z.object({ teamId: z.string(), engagementId: z.string().optional() }),
  async handle(ctx, p) {
    const channels = (await listPartnerChannels(ctx.deps.db, p.teamId)).filter(
      (c) => !p.engagementId || c.engagementId === p.engagementId,
    );
    for (const channel of channels) {
      const members: string[] = [];
      let cursor: string | undefined;
      try {
        do {
          const page = await ctx.call('conversations.members', () =>
            ctx.client.conversations.members({
              channel: channel.channelId,
              limit: PAGE,
              ...(cursor ? { cursor } : {}),
            }),
          );
          members.push(...(page.members ?? []));
          cursor = page.response_metadata?.next_cursor || undefined;
        } while (cursor);
      } catch (error) {
        // A channel Slack refuses to list (archived, the bot removed) is skipped, not retried.
        if (!(error instanceof SlackCallFailed) || error.failure.kind !== 'permanent') throw error;
        ctx.logger.warn(
          { channel: channel.channelId, error: error.failure.code },
          'partner channel not reconciled',
        );
        continue;
      }
      const partners = await partnerUsersAmong(ctx.deps.db, p.teamId, members);
      if (partners.size === 0) continue;
      const warned =
        ctx.config.gatingMode === 'warn'
          ? await alreadyWarned(ctx.deps.db, p.teamId, channel.engagementId, channel.stage)
          : new Set<string>();
      for (const userId of partners) {
        if (warned.has(userId)) continue;
        await handlePartnerJoin(ctx.deps, {
          teamId: p.teamId,
          channelId: channel.channelId,
          userId,
          mode: ctx.config.gatingMode,
          found: true,
        });
      }
    }
  },
});
