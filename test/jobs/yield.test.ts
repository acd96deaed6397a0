import type { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../src/config.js';
import { defineJob } from '../../src/jobs/job.js';
import { type JobQueue, startJobQueue } from '../../src/jobs/queue.js';
import { type RequestActivity, type YieldState, yieldToRequests } from '../../src/jobs/yield.js';
import { createLogger } from '../../src/logger.js';
import type { ServiceDeps } from '../../src/services/change.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** Requests in flight until `finish()`; notes every wait a worker starts. */
function requestsInFlight(busy = true) {
  const waits: number[] = [];
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  let waiting: () => void = () => {};
  const waitStarted = new Promise<void>((resolve) => {
    waiting = resolve;
  });
  const activity: RequestActivity = {
    busy: () => busy,
    idle(timeoutMs) {
      waits.push(timeoutMs);
      waiting();
      return finished;
    },
  };
  return {
    activity,
    waits,
    waitStarted,
    finish: () => {
      busy = false;
      finish();
    },
  };
}

describe('yieldToRequests', () => {
  it('waits while requests are in flight, at most the bound of one gapless busy stretch', async () => {
    const requests = requestsInFlight();
    const state: YieldState = {};
    let clock = 1_000;
    const nowMs = () => clock;
    const first = yieldToRequests(requests.activity, state, { yieldMs: 10_000, nowMs });
    expect(requests.waits).toEqual([10_000]);
    // The requests finish: the wait ends and the stretch is over.
    clock = 4_000;
    requests.finish();
    await first;
    expect(state.since).toBeUndefined();
  });

  it('counts the bound from the first wait of a busy stretch, and stops waiting past it', async () => {
    const busy: RequestActivity = { busy: () => true, idle: async () => {} };
    const waits: number[] = [];
    const noted: RequestActivity = {
      busy: () => true,
      idle: async (ms) => {
        waits.push(ms);
      },
    };
    const state: YieldState = {};
    let clock = 1_000;
    const nowMs = () => clock;
    await yieldToRequests(noted, state, { yieldMs: 10_000, nowMs });
    clock = 7_000;
    await yieldToRequests(noted, state, { yieldMs: 10_000, nowMs });
    clock = 11_000;
    await yieldToRequests(noted, state, { yieldMs: 10_000, nowMs });
    expect(waits).toEqual([10_000, 4_000]);
    // A gap resets the stretch: the next busy moment waits the whole bound again.
    await yieldToRequests({ busy: () => false, idle: busy.idle }, state, {
      yieldMs: 10_000,
      nowMs,
    });
    await yieldToRequests(noted, state, { yieldMs: 10_000, nowMs });
    expect(waits).toEqual([10_000, 4_000, 10_000]);
  });

  it('does not wait when idle, when urgent, when turned off, or without requests', async () => {
    const idle = requestsInFlight(false);
    const busy = requestsInFlight();
    await yieldToRequests(idle.activity, {}, { yieldMs: 10_000 });
    await yieldToRequests(busy.activity, {}, { yieldMs: 10_000, urgent: true });
    await yieldToRequests(busy.activity, {}, { yieldMs: 0 });
    await yieldToRequests(undefined, {}, { yieldMs: 10_000 });
    expect([idle.waits, busy.waits]).toEqual([[], []]);
  });
});

let database: TestDatabase | undefined;
let queue: JobQueue | undefined;
afterEach(async () => {
  await queue?.stop();
  queue = undefined;
  await database?.drop();
  database = undefined;
});

describe('a worker beside requests in flight', () => {
  it('runs a due job only once the requests in flight are done, and an urgent one at once', async () => {
    database = await createTestDatabase();
    const ran: string[] = [];
    const payload = z.object({ teamId: z.string(), what: z.string() });
    const later = defineJob({
      name: 'test-after-requests',
      kind: 'once',
      payload,
      async handle(_ctx, p) {
        ran.push(p.what);
      },
    });
    let urgentRan: () => void = () => {};
    const urgentDone = new Promise<void>((resolve) => {
      urgentRan = resolve;
    });
    const urgent = defineJob({
      name: 'test-urgent',
      kind: 'once',
      urgent: true,
      payload,
      async handle(_ctx, p) {
        ran.push(p.what);
        urgentRan();
      },
    });
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: 'test' });
    queue = await startJobQueue({
      databaseUrl: database.url,
      db: database.db,
      config,
      logger: createLogger('error'),
      registry: [later, urgent],
      supervise: false,
    });
    const requests = requestsInFlight();
    await queue.startWorkers({
      deps: {} as ServiceDeps,
      logger: createLogger('error'),
      config,
      clientFor: async () => ({}) as WebClient,
      requests: requests.activity,
    });
    const sender = queue.sender;
    await database.db.transaction().execute(async (trx) => {
      await sender.send(
        trx,
        later.name,
        { teamId: 'T1', what: 'after the requests' },
        { key: 'a' },
      );
      await sender.send(trx, urgent.name, { teamId: 'T1', what: 'urgent' }, { key: 'b' });
    });
    sender.committed(new Set([later.name, urgent.name]));
    await requests.waitStarted;
    await urgentDone;
    // The ordinary queue waits on the requests before it fetches; the urgent one already ran.
    expect(ran).toEqual(['urgent']);
    expect(requests.waits).toHaveLength(1);
    expect(requests.waits[0]).toBeLessThanOrEqual(config.jobs.yieldMs);
    requests.finish();
    await queue.idle(10_000);
    expect(ran).toEqual(['urgent', 'after the requests']);
  });
});
