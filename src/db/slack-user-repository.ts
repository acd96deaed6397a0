import type { Db, Trx } from './database.js';

/** Stores what Slack says of a user now (users.info or a user_change event). */
export async function upsertSlackUser(
  db: Db | Trx,
  user: { teamId: string; userId: string; timeZone: string | null; fetchedAt: Date },
): Promise<void> {
  await db
    .insertInto('slack_user')
    .values({
      team_id: user.teamId,
      user_id: user.userId,
      time_zone: user.timeZone,
      fetched_at: user.fetchedAt,
    })
    .onConflict((oc) =>
      oc.columns(['team_id', 'user_id']).doUpdateSet({
        time_zone: user.timeZone,
        fetched_at: user.fetchedAt,
      }),
    )
    .execute();
}

/** The cached users of a team among `userIds`: their time zone and when it was read. */
export async function findSlackUsers(
  db: Db | Trx,
  teamId: string,
  userIds: readonly string[],
): Promise<Map<string, { timeZone: string | null; fetchedAt: Date }>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('slack_user')
    .select(['user_id', 'time_zone', 'fetched_at'])
    .where('team_id', '=', teamId)
    .where('user_id', 'in', [...new Set(userIds)])
    .execute();
  return new Map(rows.map((r) => [r.user_id, { timeZone: r.time_zone, fetchedAt: r.fetched_at }]));
}
