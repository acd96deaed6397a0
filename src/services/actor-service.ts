import type { Db, Trx } from '../db/database.js';
import { isPartnerMember } from '../db/partner-member-repository.js';
import { listPartnerOrgs } from '../db/partner-repository.js';
import { adminIds, grantedRoles } from '../db/role-repository.js';
import { findWorkspace } from '../db/workspace-repository.js';
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
  const [granted, workspace] = await Promise.all([
    grantedRoles(db, teamId, userId),
    findWorkspace(db as Db, teamId),
  ]);
  return {
    granted: granted.filter((r) => STAFF_ROLES.includes(r)),
    bootstrapAdmin: bootstrapAdmins.includes(userId),
    installer: workspace?.installed_by === userId,
  };
}

/** How a user is a partner: the partner organisations they belong to, or a granted partner role. */
export async function partnerStanding(
  db: Db | Trx,
  teamId: string,
  userId: string,
): Promise<PartnerStanding> {
  const [granted, orgs] = await Promise.all([
    grantedRoles(db, teamId, userId),
    listPartnerOrgs(db, teamId),
  ]);
  return {
    orgNames: orgs.filter((o) => o.memberIds.includes(userId)).map((o) => o.name),
    grantedPartner: granted.includes('partner'),
  };
}

async function staffFrom(
  db: Db | Trx,
  teamId: string,
  userId: string,
  bootstrapAdmins: readonly string[],
  granted: readonly Role[],
): Promise<Role[]> {
  const roles = new Set<Role>(granted.filter((r) => STAFF_ROLES.includes(r)));
  if (bootstrapAdmins.includes(userId)) roles.add('admin');
  else if (!roles.has('admin')) {
    const workspace = await findWorkspace(db as Db, teamId);
    if (workspace?.installed_by === userId) roles.add('admin');
  }
  return [...roles];
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
  const granted = await grantedRoles(db, teamId, userId);
  const staff = await staffFrom(db, teamId, userId, bootstrapAdmins, granted);
  const partner = granted.includes('partner') || (await isPartnerMember(db, teamId, userId));
  if (!partner) return { userId, roles: staff };
  if (staff.length > 0) warnPartnerWithStaffRoles(teamId, userId, staff);
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
