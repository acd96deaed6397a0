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
 * Joins handled at once; the rest wait here, in arrival order. Bolt acks every event before
 * its listener runs, so a burst of joins would otherwise all ask the pool for a connection at
 * once (10, with a 1 s connect timeout): most timed out and were lost (bench/FINDINGS.md). A few
 * at a time leaves the pool to the requests being answered; past JOINS_QUEUED waiting, a join
 * is logged and left to gate reconciliation.
 */
export const JOINS_AT_ONCE = 3;
export const JOINS_QUEUED = 10_000;

function limiter(atOnce: number, queued: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(work: () => Promise<T>): Promise<T | undefined> => {
    if (running >= atOnce) {
      if (waiting.length >= queued) return undefined;
      await new Promise<void>((resolve) => waiting.push(resolve));
    } else running += 1;
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  };
}

/**
 * A partner user joining a gated partner channel is removed (`AMOS_GATING_MODE=enforce`) or
 * warned (`warn`). The gating service decides and records `boundary.partner_joined` with the
 * enforce-channel-gate job that carries it out (src/jobs/enforce-channel-gate.ts: the kick or
 * warning, `boundary.partner_removed` / `boundary.partner_warned` once Slack did it, and a
 * refusal recorded as `slack.error` and reported to the operator). Anyone else is left alone.
 */
export function registerMemberJoinedChannel(app: App, deps: SlackDeps): void {
  const inTurn = limiter(JOINS_AT_ONCE, JOINS_QUEUED);
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
        const handled = await inTurn(() => handlePartnerJoin(deps.services.deps, join));
        if (handled === undefined) {
          deps.logger.warn(
            { waiting: JOINS_QUEUED },
            'partner join not handled (too many waiting); gate reconciliation will find it',
          );
        }
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
