import { setTimeout as sleep } from 'node:timers/promises';
import type { App } from '@slack/bolt';
import { isDatabaseUnavailable } from '../../../db/database.js';
import { handlePartnerJoin } from '../../../services/gating-service.js';
import type { SlackDeps } from '../../context.js';
import { unexpectedFailure } from '../../errors.js';
import { ACTIVATION } from '../../ids.js';

/**
 * Bolt acks an event before its listener runs, so Slack never redelivers a join whose change
 * did not commit. A database that did not answer in time (a lock or pool timeout under a burst:
 * nothing was written) is tried again after these pauses; after the last, gate reconciliation
 * (AMOS_RECONCILE_EVERY) is what finds the partner.
 */
export const JOIN_RETRY_MS = [1_000, 3_000] as const;

/**
 * A partner user joining a gated partner channel is removed (`AMOS_GATING_MODE=enforce`) or
 * warned (`warn`). The gating service decides and records `boundary.partner_joined` with the
 * enforce-channel-gate job that carries it out (src/jobs/enforce-channel-gate.ts: the kick or
 * warning, `boundary.partner_removed` / `boundary.partner_warned` once Slack did it, and a
 * refusal recorded as `slack.error` and reported to the operator). Anyone else is left alone.
 */
export function registerMemberJoinedChannel(app: App, deps: SlackDeps): void {
  app.event(ACTIVATION.memberJoinedEvent, async ({ event, context }) => {
    const teamId = context.teamId ?? event.team;
    if (!teamId || event.user === context.botUserId) return;
    const join = {
      teamId,
      channelId: event.channel,
      userId: event.user,
      mode: deps.config.gatingMode,
    };
    for (let attempt = 0; ; attempt += 1) {
      try {
        await handlePartnerJoin(deps.services.deps, join);
        return;
      } catch (error) {
        const pause = JOIN_RETRY_MS[attempt];
        if (pause === undefined || !isDatabaseUnavailable(error)) {
          unexpectedFailure(deps.logger, error, ACTIVATION.memberJoinedEvent);
          return;
        }
        deps.logger.warn(
          { err: error instanceof Error ? error.message : String(error), attempt: attempt + 1 },
          'partner join not handled (database did not answer in time); trying again',
        );
        await sleep(pause);
      }
    }
  });
}
