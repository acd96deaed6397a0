import type { Db, Trx } from '../db/database.js';
import { partnerOrgNamesOf } from '../db/partner-member-repository.js';
import { adminIds, findActorFacts, grantedRoles } from '../db/role-repository.js';
import {
  type PartnerStanding,
  STAFF_ROLES,
  type StaffStanding,
} from '../domain/partner-separation.js';
import { type Actor, type Capability, DECISION_RIGHTS, type Role } from '../domain/roles.js';
import { createLogger, type Logger } from '../logger.js';

let log: Logger | undefined;
const warned = new Set<string>();

/** Where a user's staff roles (admin, executive, operator) come from, for the partner rule. */
export async function staffStanding(
  db: Db | Trx,
  teamId: string,
  userId: string,
  bootstrapAdmins: readonly string[],
): Promise<StaffStanding> {
  const facts = await findActorFacts(db, teamId, userId);
  return {
    granted: facts.granted.filter((r) => STAFF_ROLES.includes(r)),
    bootstrapAdmin: bootstrapAdmins.includes(userId),
    installer: facts.installer,
  };
}

/** How a user is a partner: the partner organisations they belong to, or a granted partner role. */
export async function partnerStanding(
  db: Db | Trx,
  teamId: string,
  userId: string,
): Promise<PartnerStanding> {
  // Only this user's organisations: listing every organisation with its members grows with
  // the workspace (100 organisations, 1,000 members read for each role grant).
  const [granted, orgNames] = await Promise.all([
    grantedRoles(db, teamId, userId),
    partnerOrgNamesOf(db, teamId, userId),
  ]);
  return { orgNames, grantedPartner: granted.includes('partner') };
}

/**
 * Who is acting and with which roles: granted roles, plus admin for the installer and the
 * AMOS_ADMINS bootstrap list. A partner (a member of a partner organisation, or granted the
 * partner role) acts as a partner only: decision rights stay outside delivery teams, so any
 * other role they hold is ignored (granting one is refused; this is the defence in depth).
 */
export async function loadActor(
  db: Db | Trx,
  teamId: string,
  userId: string,
  bootstrapAdmins: readonly string[],
): Promise<Actor> {
  // One statement for the three facts (grants, partner membership, installer).
  const facts = await findActorFacts(db, teamId, userId);
  const staff = new Set<Role>(facts.granted.filter((r) => STAFF_ROLES.includes(r)));
  if (bootstrapAdmins.includes(userId) || facts.installer) staff.add('admin');
  const partner = facts.granted.includes('partner') || facts.partnerMember;
  if (!partner) return { userId, roles: [...staff] };
  if (staff.size > 0) warnPartnerWithStaffRoles(teamId, userId, [...staff]);
  return { userId, roles: ['partner'] };
}

/** Logs, once per process and user, a partner whose other roles are being ignored. */
function warnPartnerWithStaffRoles(teamId: string, userId: string, ignored: readonly Role[]): void {
  const key = `${teamId}:${userId}`;
  if (warned.has(key)) return;
  warned.add(key);
  log ??= createLogger().child({ component: 'actor-service' });
  log.warn(
    { teamId, userId, ignored },
    'a partner also holds staff roles; acting as partner only (remove them from the partner organisation or revoke the roles)',
  );
}

/** Mentions of the people who can grant roles, for the polite "no role" refusal. */
export async function adminMentions(
  db: Db | Trx,
  teamId: string,
  bootstrapAdmins: readonly string[],
): Promise<string[]> {
  const ids = new Set([...bootstrapAdmins, ...(await adminIds(db, teamId))]);
  return [...ids].map((id) => `<@${id}>`);
}

/** The role an actor acts in for the record: the one that gives them `capability`, else their most senior. */
export function actingRole(actor: Actor, capability?: Capability): string {
  if (capability) {
    const role = DECISION_RIGHTS[capability].find((r) => actor.roles.includes(r));
    if (role) return role;
  }
  for (const role of ['admin', 'executive', 'operator', 'partner'] as const) {
    if (actor.roles.includes(role)) return role;
  }
  return 'none';
}
