import type { WebClient } from '@slack/web-api';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { JobSender, ServiceDeps } from '../services/change.js';
import {
  type SchedulerDeps,
  scheduleWeeklyDigests,
  type TickResult,
  tick,
} from '../services/scheduler-service.js';
import { refreshDueProfiles } from '../services/user-profile-service.js';
import { RECONCILE_GATES } from './reconcile-gates.js';
import { reminderPayload, SEND_REMINDER } from './send-reminder.js';

/** How often a running scheduler looks for due reminders (the clock decides what is due). */
export const TICK_EVERY_MS = 30_000;

/** How the tick hands deliveries over: one send-reminder job per delivery, keyed by it, in one insert. */
export function reminderDeliverer(jobs: JobSender): SchedulerDeps['deliver'] {
  return (trx, deliveries) =>
    jobs.sendMany(
      trx,
      SEND_REMINDER,
      deliveries.map((d) => ({ payload: reminderPayload(d), options: { key: d.key } })),
    );
}

export interface Scheduler {
  /** One pass now: zones refreshed, digests scheduled, due reminders handed to their jobs, reconciliation enqueued when its interval began. */
  runOnce(): Promise<TickResult>;
  stop(): Promise<void>;
}

/**
 * The scheduler inside a worker process: every TICK_EVERY_MS a pass (see runOnce). Several
 * instances may run it at once: the tick claims rows with SKIP LOCKED, and each workspace's
 * reconciliation is one job per AMOS_RECONCILE_EVERY interval (its key names the interval).
 */
export function startScheduler(options: {
  deps: ServiceDeps;
  jobs: JobSender;
  config: Config;
  logger: Logger;
  clientFor(teamId: string): Promise<WebClient>;
  teams(): Promise<readonly string[]>;
  everyMs?: number;
}): Scheduler {
  const { deps, jobs, config, logger } = options;
  const schedulerDeps: SchedulerDeps = {
    db: deps.db,
    clock: deps.clock,
    settings: config.reminders,
    workingHours: config.workingHours,
    deliver: reminderDeliverer(jobs),
  };
  const fetchZone = async (teamId: string, userId: string) => {
    const client = await options.clientFor(teamId);
    const info = await client.users.info({ user: userId });
    return (info.user?.tz as string | undefined) ?? null;
  };
  let running: Promise<TickResult> | undefined;
  const pass = async (): Promise<TickResult> => {
    await refreshDueProfiles(deps, fetchZone).catch((e) =>
      logger.warn({ err: String(e) }, 'time zones not refreshed'),
    );
    await scheduleWeeklyDigests(schedulerDeps);
    const result = await tick(schedulerDeps);
    if (result.delivered > 0) jobs.committed(new Set([SEND_REMINDER]));
    if (result.claimed > 0 || result.released > 0) {
      const { claimed, delivered, fannedOut, dropped, held, released } = result;
      logger.info({ claimed, delivered, fannedOut, dropped, held, released }, 'scheduler tick');
    }
    const slot = Math.floor(deps.clock.now().getTime() / config.reconcileEvery);
    const teams = await options.teams();
    await deps.db.transaction().execute(async (trx) => {
      for (const teamId of teams) {
        await jobs.send(trx, RECONCILE_GATES, { teamId }, { key: `${teamId}:${slot}` });
      }
    });
    if (teams.length > 0) jobs.committed(new Set([RECONCILE_GATES]));
    return result;
  };
  const runOnce = () => {
    running = (running ?? Promise.resolve()).then(pass, pass);
    return running;
  };
  const timer = setInterval(() => {
    runOnce().catch((e) => logger.error({ err: String(e) }, 'scheduler pass failed'));
  }, options.everyMs ?? TICK_EVERY_MS);
  timer.unref();
  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
