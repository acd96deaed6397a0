import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BufferedIncomingMessage, Context, HTTPReceiver } from '@slack/bolt';
import type { SlackDeps } from './context.js';

/** Slack signs a request with its timestamp; Bolt refuses one older than five minutes. */
export const REQUEST_WINDOW_SECONDS = 5 * 60;

/**
 * The largest request body accepted: 256 KB. Slack's own payloads are far smaller; the largest
 * the app's own modals produce (the `/amos new` submission with every field at its limit, the
 * view echoed back in full) measures 76,930 bytes (every text input filled to its limit with a character that URL-encodes
 * to 6 bytes, 100 partner organisations in the menu; test/e2e/request-guards.test.ts measures it).
 * A larger body gets 413 from Bolt's HTTPReceiver while it is read, before any parsing.
 */
export const BODY_LIMIT_BYTES = 256 * 1024;

/** Passed from HTTPReceiver into every listener's context (`context.requestSignature`). */
export function requestProperties(request: BufferedIncomingMessage): Record<string, string> {
  const signature = request.headers['x-slack-signature'];
  return typeof signature === 'string' ? { requestSignature: signature } : {};
}

/**
 * Refuses (401) a signed request whose timestamp is more than five minutes in the future,
 * before Bolt reads it: Bolt checks only the past, and a request stamped ahead would
 * otherwise stay valid for as long as its stamp is ahead.
 */
export function refuseFutureTimestamps(
  receiver: HTTPReceiver,
  nowMs: () => number = Date.now,
): void {
  const listener = receiver.requestListener;
  receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
    const stamp = req.headers['x-slack-request-timestamp'];
    const seconds = typeof stamp === 'string' ? Number(stamp) : Number.NaN;
    if (Number.isFinite(seconds) && seconds > nowMs() / 1000 + REQUEST_WINDOW_SECONDS) {
      req.resume();
      res.writeHead(401);
      res.end();
      return;
    }
    return listener(req, res);
  };
}

/**
 * The identity of the request being answered. An Events API delivery's is its event id, the
 * same in every delivery of the event (a redelivery is signed afresh; Slack's event ids are
 * unique across workspaces). Otherwise a hash of its signature over HTTP (unique per timestamp
 * and body), or its trigger id in Socket Mode (which has no signature; every command, button
 * click and modal submission carries one). Undefined when there is none of these.
 */
export function requestKey(context: Context, body: unknown): string | undefined {
  const envelope = body as { type?: unknown; event_id?: unknown } | undefined;
  if (envelope?.type === 'event_callback') {
    const eventId = envelope.event_id;
    return typeof eventId === 'string' && eventId.length > 0 ? `event:${eventId}` : undefined;
  }
  const signature = context.requestSignature;
  if (typeof signature === 'string' && signature.length > 0) {
    return `sig:${createHash('sha256').update(signature).digest('hex')}`;
  }
  const trigger = (body as { trigger_id?: unknown } | undefined)?.trigger_id;
  return typeof trigger === 'string' && trigger.length > 0 ? `trigger:${trigger}` : undefined;
}

/**
 * The listener deps for one request: its services carry the request's identity, which the
 * request's first change stores in its own transaction so that a replay changes nothing.
 */
export function requestDeps(deps: SlackDeps, args: { context: Context; body: unknown }): SlackDeps {
  const key = requestKey(args.context, args.body);
  if (!key) return deps;
  return {
    ...deps,
    services: {
      ...deps.services,
      deps: { ...deps.services.deps, request: { key, claimed: false } },
    },
  };
}

/** Wraps a listener so that it is handed the per-request deps (see `requestDeps`). */
export function perRequest<A extends { context: Context; body: unknown }>(
  deps: SlackDeps,
  listener: (args: A, deps: SlackDeps) => Promise<void>,
): (args: A) => Promise<void> {
  return (args) => listener(args, requestDeps(deps, args));
}
