import { sql } from 'kysely';
import type { Db, Trx } from './database.js';

// The delivery ledger (slack_delivery): how a follow-up job knows whether its Slack effect
// already happened. Times are the database's, so every instance agrees on leases.

export type Claim =
  | { readonly state: 'sent'; readonly channelId: string | null; readonly ts: string | null }
  | { readonly state: 'failed' }
  /** Another attempt holds the lease (it may be mid-call): try again after this long. */
  | { readonly state: 'busy'; readonly retryInMs: number }
  /** Nothing was attempted yet: post. */
  | { readonly state: 'fresh' }
  /** An earlier attempt may have posted (timeout, crash): look for it before posting. */
  | { readonly state: 'uncertain'; readonly since: Date };

/**
 * Claims the right to attempt the delivery `key`, committed before the Web API call: counts the
 * attempt (a crash after the call still counts as "may have posted") and leases it for
 * `leaseMs`, longer than one call can take, so no two attempts ever overlap. One statement
 * when the claim is granted (the usual case): the row inserted, or its attempt counted if it
 * is still being sent and no lease holds it (the upsert locks the row, so two claimers take
 * turns and the second sees the first's lease); a second read only to say why not.
 */
export async function claimDelivery(
  db: Db,
  teamId: string,
  key: string,
  leaseMs: number,
): Promise<Claim> {
  const lease = sql<Date>`now() + ${`${leaseMs} milliseconds`}::interval`;
  const claimed = await db
    .insertInto('slack_delivery')
    .values({ team_id: teamId, key, status: 'sending', attempts: 1, lease_until: lease })
    .onConflict((oc) =>
      oc
        .columns(['team_id', 'key'])
        .doUpdateSet({
          attempts: sql`slack_delivery.attempts + 1`,
          lease_until: lease,
          updated_at: sql`now()`,
        })
        .where('slack_delivery.status', '=', 'sending')
        .where((eb) =>
          eb.or([
            eb('slack_delivery.lease_until', 'is', null),
            eb('slack_delivery.lease_until', '<=', sql<Date>`now()`),
          ]),
        ),
    )
    .returning(['attempts', 'created_at'])
    .executeTakeFirst();
  if (claimed) {
    return claimed.attempts > 1
      ? { state: 'uncertain', since: claimed.created_at }
      : { state: 'fresh' };
  }
  const row = await db
    .selectFrom('slack_delivery')
    .select([
      'status',
      'channel_id',
      'ts',
      sql<number>`greatest(0, extract(epoch from (lease_until - now())) * 1000)`.as('lease_left'),
    ])
    .where('team_id', '=', teamId)
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
  if (row.status === 'sent' || row.status === 'done')
    return { state: 'sent', channelId: row.channel_id, ts: row.ts };
  if (row.status === 'failed') return { state: 'failed' };
  return { state: 'busy', retryInMs: Math.max(1, Math.ceil(Number(row.lease_left ?? 0))) };
}

/** Stores where the message landed; from now on every attempt finds it sent. */
export async function markDelivered(
  db: Db | Trx,
  teamId: string,
  key: string,
  where: { channelId: string | null; ts: string | null },
): Promise<void> {
  await db
    .updateTable('slack_delivery')
    .set({
      status: 'sent',
      channel_id: where.channelId,
      ts: where.ts,
      lease_until: null,
      updated_at: sql`now()`,
    })
    .where('team_id', '=', teamId)
    .where('key', '=', key)
    .execute();
}

/** Slack certainly did not do it (429, a refusal): this attempt does not count, and the lease ends. */
export async function releaseDelivery(db: Db, teamId: string, key: string): Promise<void> {
  await db
    .updateTable('slack_delivery')
    .set({ attempts: sql`greatest(attempts - 1, 0)`, lease_until: null, updated_at: sql`now()` })
    .where('team_id', '=', teamId)
    .where('key', '=', key)
    .where('status', '=', 'sending')
    .execute();
}

/**
 * This attempt is over without knowing whether Slack posted (a timeout, a 5xx): the next one
 * searches for the message first; the lease is cut to `graceMs` so it need not wait it out.
 */
export async function endAttempt(
  db: Db,
  teamId: string,
  key: string,
  graceMs: number,
): Promise<void> {
  await db
    .updateTable('slack_delivery')
    .set({
      lease_until: sql`now() + ${`${graceMs} milliseconds`}::interval`,
      updated_at: sql`now()`,
    })
    .where('team_id', '=', teamId)
    .where('key', '=', key)
    .where('status', '=', 'sending')
    .execute();
}

/** The delivery was given up (recorded as `slack.error`); no later attempt tries again. */
export async function markUndeliverable(db: Db | Trx, teamId: string, key: string): Promise<void> {
  await db
    .insertInto('slack_delivery')
    .values({ team_id: teamId, key, status: 'failed' })
    .onConflict((oc) =>
      oc
        .columns(['team_id', 'key'])
        .doUpdateSet({ status: 'failed', lease_until: null, updated_at: sql`now()` }),
    )
    .execute();
}

/**
 * True the first time `key` is claimed in this workspace, in the caller's transaction: what
 * makes a failure record, or any other write that must happen once, happen once.
 */
export async function claimOnce(trx: Trx, teamId: string, key: string): Promise<boolean> {
  const inserted = await trx
    .insertInto('slack_delivery')
    .values({ team_id: teamId, key, status: 'done' })
    .onConflict((oc) => oc.columns(['team_id', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** True once `key` was delivered or claimed (see markDelivered, claimOnce). */
export async function isDelivered(db: Db, teamId: string, key: string): Promise<boolean> {
  const row = await db
    .selectFrom('slack_delivery')
    .select('status')
    .where('team_id', '=', teamId)
    .where('key', '=', key)
    .executeTakeFirst();
  return row?.status === 'sent' || row?.status === 'done';
}
