import type { Db, Trx } from '../db/database.js';
import { adminIds, grantedRoles, isPartnerMember } from '../db/role-repository.js';
import { findWorkspace } from '../db/workspace-repository.js';
import { type Actor, type Capability, DECISION_RIGHTS, type Role } from '../domain/roles.js';

/**
 * Who is acting and with which roles: granted roles, plus admin for the installer and the
 * AMOS_ADMINS bootstrap list, plus partner for members of a partner organisation.
 */
export async function loadActor(
  db: Db | Trx,
  teamId: string,
  userId: string,
  bootstrapAdmins: readonly string[],
): Promise<Actor> {
  const roles = new Set<Role>(await grantedRoles(db, teamId, userId));
  if (bootstrapAdmins.includes(userId)) roles.add('admin');
  else if (!roles.has('admin')) {
    const workspace = await findWorkspace(db as Db, teamId);
    if (workspace?.installed_by === userId) roles.add('admin');
  }
  if (await isPartnerMember(db, teamId, userId)) roles.add('partner');
  return { userId, roles: [...roles] };
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
