import { sql } from 'kysely';
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

/** What decides who a user acts as, read in one statement: granted roles, partner membership, installer. */
export interface ActorFacts {
  readonly granted: RoleName[];
  /** A member of any partner organisation of the workspace. */
  readonly partnerMember: boolean;
  /** The person who installed the app in this workspace (an admin by right). */
  readonly installer: boolean;
}

/**
 * The facts `loadActor` needs, in one round trip instead of three (role grants, partner
 * membership, the workspace's installer): every command, action and event loads its actor.
 */
export async function findActorFacts(
  db: Db | Trx,
  teamId: string,
  userId: string,
): Promise<ActorFacts> {
  const { rows } = await sql<{
    granted: RoleName[] | null;
    partner_member: boolean;
    installer: boolean;
  }>`
    select
      (select array_agg(role order by role) from role_grant
        where team_id = ${teamId} and user_id = ${userId}) as granted,
      exists (select 1 from partner_member
        where team_id = ${teamId} and user_id = ${userId}) as partner_member,
      exists (select 1 from workspace
        where team_id = ${teamId} and installed_by = ${userId}) as installer`.execute(db);
  const row = rows[0];
  return {
    granted: row?.granted ?? [],
    partnerMember: row?.partner_member ?? false,
    installer: row?.installer ?? false,
  };
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

/**
 * Serialises role changes of one workspace for the rest of the transaction, so two admins
 * revoking each other at once cannot leave the workspace without an admin.
 */
export async function lockRoleGrants(trx: Trx, teamId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`role_grant:${teamId}`}, 0))`.execute(
    trx,
  );
}

/** Grants `role`; false (and nothing written) when the user already holds it. */
export async function insertRoleGrant(
  trx: Trx,
  grant: { teamId: string; userId: string; role: RoleName; grantedBy: string; at: Date },
): Promise<boolean> {
  const inserted = await trx
    .insertInto('role_grant')
    .values({
      team_id: grant.teamId,
      user_id: grant.userId,
      role: grant.role,
      granted_by: grant.grantedBy,
      granted_at: grant.at,
    })
    .onConflict((oc) => oc.columns(['team_id', 'user_id', 'role']).doNothing())
    .returning('user_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Revokes `role`; false when the user did not hold it as a grant. */
export async function deleteRoleGrant(
  trx: Trx,
  teamId: string,
  userId: string,
  role: RoleName,
): Promise<boolean> {
  const deleted = await trx
    .deleteFrom('role_grant')
    .where('team_id', '=', teamId)
    .where('user_id', '=', userId)
    .where('role', '=', role)
    .returning('user_id')
    .executeTakeFirst();
  return deleted !== undefined;
}

/** Every granted role of the workspace, by user then role. */
export async function listRoleGrants(
  db: Db | Trx,
  teamId: string,
): Promise<{ userId: string; role: RoleName; grantedBy: string; grantedAt: Date }[]> {
  const rows = await db
    .selectFrom('role_grant')
    .select(['user_id', 'role', 'granted_by', 'granted_at'])
    .where('team_id', '=', teamId)
    .orderBy('user_id')
    .orderBy('role')
    .execute();
  return rows.map((r) => ({
    userId: r.user_id,
    role: r.role,
    grantedBy: r.granted_by,
    grantedAt: r.granted_at,
  }));
}

/** Users granted executive or admin in the workspace (each once), e.g. whose App Home lists approvals. */
export async function deciderIds(db: Db | Trx, teamId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('role_grant')
    .select('user_id')
    .distinct()
    .where('team_id', '=', teamId)
    .where('role', 'in', ['executive', 'admin'])
    .orderBy('user_id')
    .execute();
  return rows.map((r) => r.user_id);
}
