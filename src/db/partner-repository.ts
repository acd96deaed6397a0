import type { Db, Trx } from './database.js';

export interface PartnerOrg {
  id: string;
  name: string;
  createdBy: string;
  createdAt: Date;
}

export interface PartnerOrgWithMembers extends PartnerOrg {
  /** Slack user ids, in the order they were added. */
  memberIds: string[];
}

const UNIQUE_VIOLATION = '23505';

/** True when `error` is PostgreSQL's unique violation on the case-insensitive name index. */
export function isDuplicateOrgName(error: unknown): boolean {
  const pg = error as { code?: string; constraint?: string };
  return pg?.code === UNIQUE_VIOLATION && pg.constraint === 'partner_org_name';
}

const toOrg = (r: { id: string; name: string; created_by: string; created_at: Date }) => ({
  id: r.id,
  name: r.name,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

/** Creates a partner organisation; throws the unique violation when the name is taken. */
export async function insertPartnerOrg(
  trx: Trx,
  org: { teamId: string; name: string; createdBy: string; at: Date },
): Promise<PartnerOrg> {
  const row = await trx
    .insertInto('partner_org')
    .values({ team_id: org.teamId, name: org.name, created_by: org.createdBy, created_at: org.at })
    .returning(['id', 'name', 'created_by', 'created_at'])
    .executeTakeFirstOrThrow();
  return toOrg(row);
}

/** The workspace's partner organisation called `name` (case-insensitive), or undefined. */
export async function findPartnerOrgByName(
  db: Db | Trx,
  teamId: string,
  name: string,
): Promise<PartnerOrg | undefined> {
  const row = await db
    .selectFrom('partner_org')
    .select(['id', 'name', 'created_by', 'created_at'])
    .where('team_id', '=', teamId)
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()))
    .executeTakeFirst();
  return row && toOrg(row);
}

/** The workspace's partner organisation with this id, or undefined (also for a malformed id). */
export async function findPartnerOrgById(
  db: Db | Trx,
  teamId: string,
  id: string,
): Promise<PartnerOrg | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const row = await db
    .selectFrom('partner_org')
    .select(['id', 'name', 'created_by', 'created_at'])
    .where('team_id', '=', teamId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toOrg(row);
}

/** Locks the organisation row for the rest of the transaction (serialises its assessments). */
export async function lockPartnerOrg(trx: Trx, teamId: string, id: string): Promise<void> {
  await trx
    .selectFrom('partner_org')
    .select('id')
    .where('team_id', '=', teamId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirstOrThrow();
}

/** Adds a member; false (nothing written) when the user already belongs to the organisation. */
export async function insertPartnerMember(
  trx: Trx,
  member: { teamId: string; partnerOrgId: string; userId: string; addedBy: string; at: Date },
): Promise<boolean> {
  const row = await trx
    .insertInto('partner_member')
    .values({
      team_id: member.teamId,
      partner_org_id: member.partnerOrgId,
      user_id: member.userId,
      added_by: member.addedBy,
      added_at: member.at,
    })
    .onConflict((oc) => oc.columns(['partner_org_id', 'user_id']).doNothing())
    .returning('user_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Removes a member; false when the user was not a member of the organisation. */
export async function deletePartnerMember(
  trx: Trx,
  teamId: string,
  partnerOrgId: string,
  userId: string,
): Promise<boolean> {
  const row = await trx
    .deleteFrom('partner_member')
    .where('team_id', '=', teamId)
    .where('partner_org_id', '=', partnerOrgId)
    .where('user_id', '=', userId)
    .returning('user_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Every partner organisation of the workspace with its members, by name. */
export async function listPartnerOrgs(
  db: Db | Trx,
  teamId: string,
): Promise<PartnerOrgWithMembers[]> {
  const [orgs, members] = await Promise.all([
    db
      .selectFrom('partner_org')
      .select(['id', 'name', 'created_by', 'created_at'])
      .where('team_id', '=', teamId)
      .orderBy((eb) => eb.fn('lower', ['name']))
      .execute(),
    db
      .selectFrom('partner_member')
      .select(['partner_org_id', 'user_id'])
      .where('team_id', '=', teamId)
      .orderBy('added_at')
      .orderBy('user_id')
      .execute(),
  ]);
  return orgs.map((o) => ({
    ...toOrg(o),
    memberIds: members.filter((m) => m.partner_org_id === o.id).map((m) => m.user_id),
  }));
}
