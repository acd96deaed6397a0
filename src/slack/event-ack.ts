import {
  type AllMiddlewareArgs,
  type App,
  type Context,
  defaultProcessEventErrorHandler,
  HTTPModuleFunctions,
  type ReceiverEvent,
  type ReceiverProcessEventErrorHandlerArgs,
  type SlackEventMiddlewareArgs,
  type SocketModeReceiverProcessEventErrorHandlerArgs,
} from '@slack/bolt';
import { isDatabaseUnavailable } from '../db/database.js';
import { DomainRefusal } from '../domain/errors.js';
import type { Logger } from '../logger.js';
import { ALREADY_HANDLED } from '../services/change.js';
import type { SlackDeps } from './context.js';
import { unexpectedFailure } from './errors.js';
import { requestDeps } from './request-identity.js';

// An ack is a promise. Bolt acks an Events API request before its listener runs ("no data
// expected"), so a change that then failed was lost: Slack never sent the event again. Here an
// event is acked only once its listeners have finished, that is after the change they make
// committed (or they found nothing to do). An event whose change the database did not take
// (a lock, the pool or a statement timed out; nothing was written), or that was not finished in
// time, is not acked: over HTTP it is answered 503 and in Socket Mode left unacked, and Slack
// delivers it again (X-Slack-Retry-Num / retry_attempt: at once, after a minute, after five).
// Its change stores the event id in its own transaction (request-identity.ts), so a delivery
// of an event already committed changes nothing and is acked.

/**
 * An event not finished this long after it arrived is answered 503 (not acked): Slack gives an
 * answer 3 s, and redelivers one it did not get. Its change may still commit afterwards; the
 * redelivery then finds its event id stored and changes nothing.
 */
export const EVENT_ANSWER_WITHIN_MS = 2_500;

/** Why an event was not acked, so that Slack delivers it again. */
export type NotTakenReason = 'database' | 'busy' | 'late';

/** Thrown from processEvent for an event not acked; the receivers' error handlers answer it. */
export class EventNotTaken extends Error {
  readonly reason: NotTakenReason;
  constructor(reason: NotTakenReason) {
    super(`event not taken (${reason}); Slack will deliver it again`);
    this.name = 'EventNotTaken';
    this.reason = reason;
  }
}

/** What the listeners of one event say about it: set when it must not be acked. */
interface EventDelivery {
  notTaken?: NotTakenReason;
}

const DELIVERY = 'eventDelivery';

interface EventEnvelope {
  type?: unknown;
  event_id?: unknown;
  event?: { type?: unknown };
}

/** An Events API delivery whose ack is ours to give (function_executed is acked by its listener). */
function isEventCallback(body: unknown): body is EventEnvelope {
  const envelope = body as EventEnvelope | undefined;
  return envelope?.type === 'event_callback' && envelope.event?.type !== 'function_executed';
}

/**
 * Marks the event being handled as not taken: it is answered 503 (HTTP) or left unacked
 * (Socket Mode) once its listeners return, and Slack delivers it again.
 */
export function redeliver(context: Context, reason: NotTakenReason): void {
  const delivery = context[DELIVERY] as EventDelivery | undefined;
  if (delivery && !delivery.notTaken) delivery.notTaken = reason;
}

/**
 * Wraps the app's processEvent (every receiver calls it once per request) so that an
 * event_callback is acked after Bolt has run its listeners: Bolt is handed an ack that does
 * nothing, and the receiver's own is called once processEvent resolved. Not acked (thrown as
 * EventNotTaken, which `httpNotTaken` / `socketNotTaken` answer) when a listener called
 * `redeliver`, or when the listeners are still running `withinMs` after processEvent was called
 * (the body read and its signature checked). Install it after trackInFlight, so that a request
 * still counts as in flight until its listeners finish.
 */
export function ackEventsAfterListeners(
  app: App,
  logger: Logger,
  withinMs: number = EVENT_ANSWER_WITHIN_MS,
): void {
  const original = app.processEvent.bind(app);
  app.processEvent = async (event: ReceiverEvent) => {
    if (!isEventCallback(event.body)) return original(event);
    const delivery: EventDelivery = {};
    const processed = original({
      ...event,
      ack: async () => {},
      customProperties: { ...event.customProperties, [DELIVERY]: delivery },
    }).then(
      () => 'done' as const,
      (error: unknown) => {
        // Bolt's own failures reach app.error; this is one it threw (a bug): acked, as before.
        unexpectedFailure(logger, error, 'event');
        return 'done' as const;
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), withinMs);
    });
    const outcome = await Promise.race([processed, late]);
    clearTimeout(timer);
    const notTaken = outcome === 'late' ? 'late' : delivery.notTaken;
    if (notTaken) {
      logger.warn(
        {
          eventId: event.body.event_id,
          eventType: event.body.event?.type,
          retryNum: event.retryNum,
          reason: notTaken,
        },
        'event not acked; Slack will deliver it again',
      );
      throw new EventNotTaken(notTaken);
    }
    await event.ack();
  };
}

/**
 * HTTPReceiver's processEventErrorHandler: an event not taken is answered 503, so that Slack
 * delivers it again (true: the receiver's own 3 s "not acknowledged" timer is stopped, as the
 * request was answered); anything else goes to Bolt's default handler.
 */
export async function httpNotTaken(args: ReceiverProcessEventErrorHandlerArgs): Promise<boolean> {
  if (!(args.error instanceof EventNotTaken)) {
    return HTTPModuleFunctions.defaultProcessEventErrorHandler(args);
  }
  if (!args.response.headersSent) {
    args.response.writeHead(503);
    args.response.end();
  }
  return true;
}

/**
 * SocketModeReceiver's processEventErrorHandler: an event not taken is left unacked (false),
 * so that Slack delivers it again; anything else goes to Bolt's default handler.
 */
export async function socketNotTaken(
  args: SocketModeReceiverProcessEventErrorHandlerArgs,
): Promise<boolean> {
  if (args.error instanceof EventNotTaken) return false;
  return defaultProcessEventErrorHandler(args);
}

/** True for a change refused because its request (here, its event id) was stored before. */
export function isAlreadyHandled(error: unknown): boolean {
  return error instanceof DomainRefusal && error.refusal.message === ALREADY_HANDLED;
}

type EventArgs<E extends string> = SlackEventMiddlewareArgs<E> & AllMiddlewareArgs;

/**
 * Wraps an Events API listener (`where` is the event type it listens to; one listener per event
 * type, since listeners of one event would share its key and only the first change would run): it runs with the per-request deps (its change stores the event
 * id), an event already handled is left alone (acked), one the database did not take is
 * redelivered by Slack, and any other failure is logged (and acked: trying it again would fail
 * the same way).
 */
export function eventListener<E extends string>(
  deps: SlackDeps,
  where: E,
  listener: (args: EventArgs<E>, deps: SlackDeps) => Promise<void>,
): (args: EventArgs<E>) => Promise<void> {
  return async (args) => {
    try {
      await listener(args, requestDeps(deps, args));
    } catch (error) {
      if (isAlreadyHandled(error)) {
        deps.logger.info(
          { where, retryNum: args.context.retryNum },
          'event delivered again after it was handled; nothing changed',
        );
      } else if (isDatabaseUnavailable(error)) {
        deps.logger.warn(
          { where, err: error instanceof Error ? error.message : String(error) },
          'event not handled (database did not answer in time); Slack will deliver it again',
        );
        redeliver(args.context, 'database');
      } else {
        unexpectedFailure(deps.logger, error, where);
      }
    }
  };
}
