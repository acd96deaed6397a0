import type { Db, Trx } from './database.js';
import type { RoleName } from './tables.js';

/** Roles granted to a user in a workspace (not counting AMOS_ADMINS or partner membership). */
export async function grantedRoles(
  db: Db | Trx,
  teamId: string,
  userId: string,
): Promise<RoleName[]> {
  const rows = await db
    .selectFrom('role_grant')
    .select('role')
    .where('team_id', '=', teamId)
    .where('user_id', '=', userId)
    .execute();
  return rows.map((r) => r.role);
}

/** True when the user belongs to any partner organisation of the workspace. */
export async function isPartnerMember(
  db: Db | Trx,
  teamId: string,
  userId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('partner_member')
    .select('user_id')
    .where('team_id', '=', teamId)
    .where('user_id', '=', userId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Users holding the admin role in the workspace (granted), for "ask an admin" messages. */
export async function adminIds(db: Db | Trx, teamId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('role_grant')
    .select('user_id')
    .where('team_id', '=', teamId)
    .where('role', '=', 'admin')
    .execute();
  return rows.map((r) => r.user_id);
}
