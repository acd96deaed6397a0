import { sql } from 'kysely';
import type { Db } from './database.js';

/** Every engagement of a team with a partner channel, not finished: the channels to reconcile. */
export async function listPartnerChannels(
  db: Db,
  teamId: string,
): Promise<{ engagementId: string; channelId: string; stage: string }[]> {
  const rows = await db
    .selectFrom('engagement')
    .select(['id', 'partner_channel_id', 'stage'])
    .where('team_id', '=', teamId)
    .where('partner_channel_id', 'is not', null)
    .where('stage', 'not in', ['completed', 'terminated'])
    .execute();
  return rows.map((r) => ({
    engagementId: r.id,
    channelId: r.partner_channel_id ?? '',
    stage: r.stage,
  }));
}

/** Which of `userIds` are partner users (members of any partner organisation) of the team. */
export async function partnerUsersAmong(
  db: Db,
  teamId: string,
  userIds: readonly string[],
): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('partner_member')
    .select('user_id')
    .distinct()
    .where('team_id', '=', teamId)
    .where('user_id', 'in', [...new Set(userIds)])
    .execute();
  return new Set(rows.map((r) => r.user_id));
}

/**
 * The partner users already warned (warn mode) in this engagement at its current stage: in warn
 * mode a partner stays in the channel, and reconciliation must not warn them again every time.
 */
export async function alreadyWarned(
  db: Db,
  teamId: string,
  engagementId: string,
  stage: string,
): Promise<Set<string>> {
  const { rows } = await sql<{ user_id: string }>`
    select distinct details->>'user' as user_id from decision_record
    where team_id = ${teamId} and engagement_id = ${engagementId}
      and kind = 'boundary.partner_joined' and details->>'action' = 'warn'
      and details->>'stage' = ${stage}`.execute(db);
  return new Set(rows.map((r) => r.user_id));
}

/** The workspaces the app serves now (installed, not uninstalled). */
export async function listInstalledTeams(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('workspace')
    .select('team_id')
    .where('uninstalled_at', 'is', null)
    .execute();
  return rows.map((r) => r.team_id);
}
