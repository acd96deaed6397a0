import type { Db, Trx } from './database.js';

/** Slack user ids of a partner organisation's members, in the order they were added. */
export async function listPartnerMemberIds(
  db: Db | Trx,
  teamId: string,
  partnerOrgId: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('partner_member')
    .select('user_id')
    .where('team_id', '=', teamId)
    .where('partner_org_id', '=', partnerOrgId)
    .orderBy('added_at')
    .orderBy('user_id')
    .execute();
  return rows.map((r) => r.user_id);
}

/** True when the user is a member of this partner organisation. */
export async function isMemberOfPartnerOrg(
  db: Db | Trx,
  teamId: string,
  partnerOrgId: string,
  userId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('partner_member')
    .select('user_id')
    .where('team_id', '=', teamId)
    .where('partner_org_id', '=', partnerOrgId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

/** True when the user is a partner user: a member of any partner organisation, or granted the partner role. */
export async function isPartnerUser(
  db: Db | Trx,
  teamId: string,
  userId: string,
): Promise<boolean> {
  const [member, role] = await Promise.all([
    isPartnerMember(db, teamId, userId),
    db
      .selectFrom('role_grant')
      .select('user_id')
      .where('team_id', '=', teamId)
      .where('user_id', '=', userId)
      .where('role', '=', 'partner')
      .executeTakeFirst(),
  ]);
  return member || role !== undefined;
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

/** The partner organisations a user belongs to in this workspace. */
export async function partnerOrgIdsOf(
  db: Db | Trx,
  teamId: string,
  userId: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('partner_member')
    .select('partner_org_id')
    .where('team_id', '=', teamId)
    .where('user_id', '=', userId)
    .execute();
  return rows.map((r) => r.partner_org_id);
}

/** Names of the partner organisations the user belongs to, by name (case-insensitive). */
export async function partnerOrgNamesOf(
  db: Db | Trx,
  teamId: string,
  userId: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('partner_member')
    .innerJoin('partner_org', 'partner_org.id', 'partner_member.partner_org_id')
    .select('partner_org.name')
    .where('partner_member.team_id', '=', teamId)
    .where('partner_org.team_id', '=', teamId)
    .where('partner_member.user_id', '=', userId)
    .orderBy((eb) => eb.fn('lower', ['partner_org.name']))
    .execute();
  return rows.map((r) => r.name);
}
