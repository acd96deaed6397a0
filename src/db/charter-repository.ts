import type { Db, Trx } from './database.js';

export interface CharterAck {
  readonly userId: string;
  readonly charterVersion: number;
  readonly ackedAt: Date;
}

/**
 * Stores one partner member's acknowledgement of an engagement's charter. Returns false (and
 * changes nothing) when that member had already acknowledged it.
 */
export async function insertCharterAck(
  trx: Trx,
  row: { teamId: string; engagementId: string; userId: string; charterVersion: number; at: Date },
): Promise<boolean> {
  const inserted = await trx
    .insertInto('charter_ack')
    .values({
      team_id: row.teamId,
      engagement_id: row.engagementId,
      user_id: row.userId,
      charter_version: row.charterVersion,
      acked_at: row.at,
    })
    .onConflict((oc) => oc.columns(['engagement_id', 'user_id']).doNothing())
    .returning('user_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Every acknowledgement of an engagement's charter, oldest first. */
export async function listCharterAcks(
  db: Db | Trx,
  teamId: string,
  engagementId: string,
): Promise<CharterAck[]> {
  const rows = await db
    .selectFrom('charter_ack')
    .select(['user_id', 'charter_version', 'acked_at'])
    .where('team_id', '=', teamId)
    .where('engagement_id', '=', engagementId)
    .orderBy('acked_at')
    .orderBy('user_id')
    .execute();
  return rows.map((r) => ({
    userId: r.user_id,
    charterVersion: r.charter_version,
    ackedAt: r.acked_at,
  }));
}

/** True when the user has acknowledged the engagement's charter. */
export async function hasAcknowledgedCharter(
  db: Db | Trx,
  teamId: string,
  engagementId: string,
  userId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('charter_ack')
    .select('user_id')
    .where('team_id', '=', teamId)
    .where('engagement_id', '=', engagementId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}
