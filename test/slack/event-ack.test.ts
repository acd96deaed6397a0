import { App, type Context, type Receiver, type ReceiverEvent } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { boltLogger, createLogger } from '../../src/logger.js';
import {
  ackEventsAfterListeners,
  EventNotTaken,
  redeliver,
  socketNotTaken,
} from '../../src/slack/event-ack.js';
import { turns } from '../../src/slack/listeners/events/member-joined-channel.js';
import { requestKey } from '../../src/slack/request-identity.js';
import { deferred } from '../support/deferred.js';

// The ack of an Events API request, as SocketModeReceiver gives it (it has no HTTP answer to
// make): processEvent is called and, if it throws, the processEventErrorHandler decides
// whether to ack. The HTTP side is covered over real HTTP in test/e2e/gating.test.ts.

const logger = createLogger('silent');

const receiver: Receiver = {
  init: () => {},
  start: async () => undefined,
  stop: async () => undefined,
};

function makeApp(withinMs = 2_500) {
  const app = new App({
    receiver,
    logger: boltLogger(logger),
    authorize: async () => ({ botToken: 'xoxb-test', botUserId: 'UBOT', teamId: 'T0TEST' }),
  });
  ackEventsAfterListeners(app, logger, withinMs);
  return app;
}

/** Delivers like SocketModeReceiver: returns the log of what happened, in order. */
async function deliver(app: App, body: Record<string, unknown>, log: string[]) {
  const event: ReceiverEvent = {
    body,
    ack: async () => {
      log.push('acked');
    },
  };
  try {
    await app.processEvent(event);
  } catch (error) {
    log.push(error instanceof EventNotTaken ? `not taken: ${error.reason}` : 'threw');
    if (await socketNotTaken({ error: error as Error, logger: boltLogger(logger), event }))
      await event.ack();
  }
}

const joinEvent = (eventId = 'Ev0001') => ({
  type: 'event_callback',
  team_id: 'T0TEST',
  event_id: eventId,
  event: { type: 'member_joined_channel', user: 'U0P', channel: 'C0P', team: 'T0TEST' },
});

describe('an Events API request is acked after its listeners', () => {
  it('acks once the listener has finished, not before', async () => {
    const app = makeApp();
    const log: string[] = [];
    app.event('member_joined_channel', async () => {
      log.push('listener started');
      await Promise.resolve();
      log.push('listener done');
    });
    await deliver(app, joinEvent(), log);
    expect(log).toEqual(['listener started', 'listener done', 'acked']);
  });

  it('leaves it unacked (Slack delivers it again) when the listener says it was not taken', async () => {
    const app = makeApp();
    const log: string[] = [];
    app.event('member_joined_channel', async ({ context }) => {
      redeliver(context, 'database');
    });
    await deliver(app, joinEvent(), log);
    expect(log).toEqual(['not taken: database']);
  });

  it('leaves it unacked when the listener is not done in time, and never acks it later', async () => {
    const app = makeApp(50);
    const log: string[] = [];
    const { promise: finished, resolve: finish } = deferred();
    const { promise: listenerDone, resolve: done } = deferred();
    app.event('member_joined_channel', async () => {
      await finished;
      log.push('listener done');
      done();
    });
    await deliver(app, joinEvent(), log);
    expect(log).toEqual(['not taken: late']);
    finish();
    await listenerDone;
    await Promise.resolve();
    expect(log).toEqual(['not taken: late', 'listener done']);
  });

  it('acks an event no listener takes, and leaves other requests to their listeners', async () => {
    const app = makeApp();
    const log: string[] = [];
    await deliver(app, { ...joinEvent(), event: { type: 'reaction_added' } }, log);
    expect(log).toEqual(['acked']);
    app.command('/amos', async ({ ack }) => {
      log.push('command listener');
      await ack();
    });
    log.length = 0;
    await deliver(
      app,
      { command: '/amos', text: 'help', team_id: 'T0TEST', user_id: 'U0A', channel_id: 'C0A' },
      log,
    );
    expect(log).toEqual(['command listener', 'acked']);
  });
});

describe('the request key of an Events API delivery', () => {
  it('is its event id, the same whatever the signature (a redelivery is signed afresh)', () => {
    const body = joinEvent('Ev0042');
    const a = requestKey({ requestSignature: 'v0=aaa' } as unknown as Context, body);
    const b = requestKey({ requestSignature: 'v0=bbb' } as unknown as Context, body);
    const socket = requestKey({} as Context, body);
    expect([a, b, socket]).toEqual(['event:Ev0042', 'event:Ev0042', 'event:Ev0042']);
    expect(
      requestKey({ requestSignature: 'v0=aaa' } as unknown as Context, { command: 'x' }),
    ).toMatch(/^sig:/);
  });
});

describe('joins taken in turns (member_joined_channel)', () => {
  it('runs at most atOnce; a join not handed a turn in time, or past the waiting bound, is not taken', async () => {
    const inTurn = turns(1, 1, 30);
    const { promise: holding, resolve: release } = deferred();
    const first = inTurn(() => holding.then(() => 'first'));
    const second = inTurn(async () => 'second');
    // The queue holds one: a third is refused at once.
    expect(await inTurn(async () => 'third')).toEqual({ taken: false });
    // The second is not handed a turn within 30 ms.
    expect(await second).toEqual({ taken: false });
    release();
    expect(await first).toEqual({ taken: true, value: 'first' });
    // The turn came back: the next one runs.
    expect(await inTurn(async () => 'fourth')).toEqual({ taken: true, value: 'fourth' });
  });

  it('hands a freed turn to the next waiting, in arrival order', async () => {
    const inTurn = turns(1, 5, 5_000);
    const order: string[] = [];
    const { promise: holding, resolve: release } = deferred();
    const first = inTurn(() => holding.then(() => order.push('a')));
    const rest = ['b', 'c'].map((name) => inTurn(async () => order.push(name)));
    release();
    await Promise.all([first, ...rest]);
    expect(order).toEqual(['a', 'b', 'c']);
  });
});
