import { sql } from 'kysely';
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

/**
 * Users whose time zone the scheduler will need soon and has not read within `maxAgeMs`: the
 * people due moments up to `horizon` fan out to (approval sponsors, operators of engagements
 * with a due item, executives with a digest). Reads only due rows (the partial index).
 */
export async function usersToRefresh(
  db: Db,
  options: { horizon: Date; staleBefore: Date; limit: number },
): Promise<{ teamId: string; userId: string }[]> {
  const { rows } = await sql<{ team_id: string; user_id: string }>`
    with due as (
      select team_id, kind, engagement_id, subject_id from scheduled_reminder
      where status = 'pending' and send_at <= ${options.horizon} and recipient is null
      limit 2000
    ), people as (
      select d.team_id, unnest(e.sponsor_ids) as user_id from due d
        join engagement e on e.id = d.engagement_id and e.team_id = d.team_id
        where d.kind = 'approval_waiting'
      union
      select d.team_id, e.operator_id from due d
        join engagement e on e.id = d.engagement_id and e.team_id = d.team_id
        where d.kind <> 'approval_waiting' and d.kind <> 'weekly_digest'
      union
      select d.team_id, d.subject_id from due d where d.kind = 'weekly_digest'
    )
    select p.team_id, p.user_id from people p
    left join slack_user u on u.team_id = p.team_id and u.user_id = p.user_id
    where u.user_id is null or u.fetched_at < ${options.staleBefore}
    limit ${options.limit}`.execute(db);
  return rows.map((r) => ({ teamId: r.team_id, userId: r.user_id }));
}
