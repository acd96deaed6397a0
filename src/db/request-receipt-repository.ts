import { sql } from 'kysely';
import type { Db, Trx } from './database.js';

/**
 * Stores a request's identity in the change's transaction; false when it is already stored
 * (a replay). A concurrent first use holds the key until it commits, so the second waits and
 * then sees the conflict.
 */
export async function claimRequestReceipt(
  trx: Trx,
  teamId: string,
  requestKey: string,
): Promise<boolean> {
  const row = await trx
    .insertInto('request_receipt')
    .values({ request_key: requestKey, team_id: teamId })
    .onConflict((oc) => oc.column('request_key').doNothing())
    .returning('request_key')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Deletes receipts older than `olderThanSeconds` (Slack refuses a signature older than five
 * minutes, so ten minutes keeps every key that could still be replayed).
 */
export async function pruneRequestReceipts(db: Db | Trx, olderThanSeconds = 600): Promise<number> {
  const result = await db
    .deleteFrom('request_receipt')
    .where('received_at', '<', sql<Date>`now() - make_interval(secs => ${olderThanSeconds})`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
