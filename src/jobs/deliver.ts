import type { WebClient } from '@slack/web-api';
import {
  claimDelivery,
  endAttempt,
  markDelivered,
  releaseDelivery,
} from '../db/delivery-repository.js';
import type { Rendered } from '../slack/blocks/text.js';
import type { JobContext } from './job.js';
import { certainlyNotDone, RunAgainLater, SlackCallFailed } from './slack-failure.js';

/** The Slack message metadata event type every delivered message carries, with its key. */
export const DELIVERY_EVENT_TYPE = 'amos_delivery';

/** After an uncertain attempt, how long before the next may search for its message. */
const LATE_LANDING_GRACE_MS = 1_000;

export interface Delivered {
  readonly channelId: string | null;
  readonly ts: string | null;
  /** False when an earlier attempt had already delivered it (found in the ledger or in Slack). */
  readonly postedNow: boolean;
}

/**
 * Posts `message` to `channel` (a channel id, or a user id for the bot's DM) at most once per
 * `key`, across retries, crashes and instances:
 * - "sending" is committed (with a lease) before the call, channel and ts after it;
 * - when an earlier attempt's outcome is unknown (a timeout, a crash between the call and the
 *   store), the conversation's recent history is searched for a message carrying the key in
 *   its metadata before posting again;
 * - while another attempt holds the lease, this one runs again later instead.
 * A refusal is thrown (SlackCallFailed) for the runner's retry policy.
 */
export async function deliverMessage(
  ctx: JobContext,
  spec: {
    readonly key: string;
    readonly channel: string;
    readonly message: Pick<Rendered, 'text'> & Partial<Rendered>;
  },
): Promise<Delivered> {
  const { db } = ctx.deps;
  const { teamId } = ctx;
  const claim = await claimDelivery(db, teamId, spec.key, deliveryLeaseMs(ctx));
  switch (claim.state) {
    case 'sent':
      return { channelId: claim.channelId, ts: claim.ts, postedNow: false };
    case 'failed':
      throw new SlackCallFailed('chat.postMessage', {
        kind: 'permanent',
        code: 'given_up_earlier',
      });
    case 'busy':
      throw new RunAgainLater(Math.ceil(claim.retryInMs / 1000), 'another attempt holds it');
    case 'uncertain': {
      const found = await findEarlierMessage(ctx, spec);
      if (found) {
        await markDelivered(db, teamId, spec.key, found);
        return { ...found, postedNow: false };
      }
      break;
    }
    case 'fresh':
      break;
  }
  try {
    const posted = await ctx.call('chat.postMessage', () =>
      ctx.client.chat.postMessage({
        channel: spec.channel,
        ...spec.message,
        metadata: { event_type: DELIVERY_EVENT_TYPE, event_payload: { key: spec.key } },
      }),
    );
    const where = { channelId: posted.channel ?? null, ts: posted.ts ?? null };
    await markDelivered(db, teamId, spec.key, where);
    return { ...where, postedNow: true };
  } catch (error) {
    if (error instanceof SlackCallFailed && certainlyNotDone(error.failure)) {
      await releaseDelivery(db, teamId, spec.key);
    } else {
      // Our call is over (the client gave up); Slack may still land it a moment later.
      await endAttempt(db, teamId, spec.key, LATE_LANDING_GRACE_MS);
    }
    throw error;
  }
}

/** Longer than the calls one attempt makes (open, history, post) can take. */
export function deliveryLeaseMs(ctx: Pick<JobContext, 'config'>): number {
  return ctx.config.jobs.slackTimeoutMs * 3 + 1_000;
}

/**
 * The message an earlier attempt posted, found by its metadata key among the conversation's
 * latest 200 messages (the earlier attempt was moments ago; a DM or a partner channel does not
 * get 200 messages in that time). A history Slack will not show (a missing
 * scope) is treated as "not found": the message is posted, at the risk of a duplicate.
 */
async function findEarlierMessage(
  ctx: JobContext,
  spec: { readonly key: string; readonly channel: string },
): Promise<{ channelId: string; ts: string } | undefined> {
  try {
    const channelId = await conversationOf(ctx, ctx.client, spec.channel);
    const history = await ctx.call('conversations.history', () =>
      ctx.client.conversations.history({
        channel: channelId,
        include_all_metadata: true,
        limit: 200,
      }),
    );
    for (const message of history.messages ?? []) {
      const metadata = message.metadata as
        | { event_type?: string; event_payload?: { key?: unknown } }
        | undefined;
      if (
        metadata?.event_type === DELIVERY_EVENT_TYPE &&
        metadata.event_payload?.key === spec.key &&
        message.ts
      ) {
        return { channelId, ts: message.ts };
      }
    }
    return undefined;
  } catch (error) {
    if (error instanceof SlackCallFailed && error.failure.kind === 'permanent') {
      ctx.logger.warn(
        { key: spec.key, error: error.failure.code },
        'could not search for an earlier delivery; posting again',
      );
      return undefined;
    }
    throw error;
  }
}

/** A user id stands for the bot's DM with that user; anything else is a channel id. */
async function conversationOf(ctx: JobContext, client: WebClient, target: string): Promise<string> {
  if (!/^[UW][A-Z0-9]+$/.test(target)) return target;
  const opened = await ctx.call('conversations.open', () =>
    client.conversations.open({ users: target }),
  );
  return opened.channel?.id ?? target;
}

/**
 * Posts an ephemeral message (seen only by `user`) at most once per `key`. An ephemeral leaves
 * nothing in the conversation's history to look for, so an attempt whose outcome is unknown (a
 * timeout, a 5xx, a crash after the call) is taken as delivered rather than risk showing it twice.
 * Returns false when an earlier attempt had (or may have) shown it.
 */
export async function deliverEphemeral(
  ctx: JobContext,
  spec: {
    readonly key: string;
    readonly channel: string;
    readonly user: string;
    readonly text: string;
  },
): Promise<boolean> {
  const { db } = ctx.deps;
  const { teamId } = ctx;
  const claim = await claimDelivery(db, teamId, spec.key, deliveryLeaseMs(ctx));
  switch (claim.state) {
    case 'sent':
      return false;
    case 'failed':
      throw new SlackCallFailed('chat.postEphemeral', {
        kind: 'permanent',
        code: 'given_up_earlier',
      });
    case 'busy':
      throw new RunAgainLater(Math.ceil(claim.retryInMs / 1000), 'another attempt holds it');
    case 'uncertain':
      ctx.logger.info(
        { key: spec.key },
        'an earlier attempt may have shown this ephemeral; not again',
      );
      await markDelivered(db, teamId, spec.key, { channelId: spec.channel, ts: null });
      return false;
    case 'fresh':
      break;
  }
  try {
    await ctx.call('chat.postEphemeral', () =>
      ctx.client.chat.postEphemeral({ channel: spec.channel, user: spec.user, text: spec.text }),
    );
  } catch (error) {
    if (error instanceof SlackCallFailed && certainlyNotDone(error.failure)) {
      await releaseDelivery(db, teamId, spec.key);
    } else {
      await endAttempt(db, teamId, spec.key, 0);
    }
    throw error;
  }
  await markDelivered(db, teamId, spec.key, { channelId: spec.channel, ts: null });
  return true;
}
