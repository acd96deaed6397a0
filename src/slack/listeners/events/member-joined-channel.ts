import type { App } from '@slack/bolt';
import { handlePartnerJoin } from '../../../services/gating-service.js';
import type { SlackDeps } from '../../context.js';
import { eventListener, redeliver } from '../../event-ack.js';
import { ACTIVATION } from '../../ids.js';

/**
 * Joins handled at once. A join is acked only once its change committed (src/slack/event-ack.ts),
 * so a burst of joins is as many requests held open, each wanting a pooled connection (10, with
 * a 1 s connect timeout): five at a time leaves half the pool to commands, clicks and jobs (3
 * and 6 measured alike within the noise of a shared machine: bench/FINDINGS.md, phase 4).
 * A join that finds JOINS_WAITING already waiting, or no free turn within JOIN_WAIT_MS, is not
 * taken: it is answered 503 at once and Slack delivers it again (nothing is queued in memory
 * past Slack's 3 s).
 */
export const JOINS_AT_ONCE = 5;
export const JOINS_WAITING = 100;
export const JOIN_WAIT_MS = 1_000;

type Turn<T> = { readonly taken: true; readonly value: T } | { readonly taken: false };

/** At most `atOnce` at a time; the rest wait in arrival order, at most `waiting` and `waitMs`. */
export function turns(atOnce: number, waiting: number, waitMs: number) {
  let running = 0;
  const queue: (() => void)[] = [];
  const release = () => {
    const next = queue.shift();
    if (next) next();
    else running -= 1;
  };
  return async <T>(work: () => Promise<T>): Promise<Turn<T>> => {
    if (running >= atOnce) {
      if (queue.length >= waiting) return { taken: false };
      const handed = await new Promise<boolean>((resolve) => {
        const hand = () => {
          clearTimeout(timer);
          resolve(true);
        };
        const timer = setTimeout(() => {
          const at = queue.indexOf(hand);
          if (at >= 0) queue.splice(at, 1);
          resolve(false);
        }, waitMs);
        queue.push(hand);
      });
      if (!handed) return { taken: false };
    } else running += 1;
    try {
      return { taken: true, value: await work() };
    } finally {
      release();
    }
  };
}

/**
 * A partner user joining a gated partner channel is removed (`AMOS_GATING_MODE=enforce`) or
 * warned (`warn`). The gating service decides and records `boundary.partner_joined` with the
 * enforce-channel-gate job that carries it out (src/jobs/enforce-channel-gate.ts: the kick or
 * warning, `boundary.partner_removed` / `boundary.partner_warned` once Slack did it, and a
 * refusal recorded as `slack.error` and reported to the operator). Anyone else is left alone.
 * The event is acked after that change committed; a join the database did not take (a lock or
 * pool timeout) is not acked, and Slack's redelivery is what tries it again.
 */
export function registerMemberJoinedChannel(app: App, deps: SlackDeps): void {
  const inTurn = turns(JOINS_AT_ONCE, JOINS_WAITING, JOIN_WAIT_MS);
  app.event(
    ACTIVATION.memberJoinedEvent,
    eventListener(deps, ACTIVATION.memberJoinedEvent, async ({ event, context }, deps) => {
      const teamId = context.teamId ?? event.team;
      if (!teamId || event.user === context.botUserId) return;
      const join = {
        teamId,
        channelId: event.channel,
        userId: event.user,
        mode: deps.config.gatingMode,
      };
      const turn = await inTurn(() => handlePartnerJoin(deps.services.deps, join));
      // Logged once, by event-ack, with the reason.
      if (!turn.taken) redeliver(context, 'busy');
    }),
  );
}
