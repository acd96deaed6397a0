import type { Db, Trx } from '../db/database.js';
import { listPartnerOrgs } from '../db/partner-repository.js';
import {
  adminIds,
  deleteRoleGrant,
  insertRoleGrant,
  listRoleGrants,
  lockRoleGrants,
} from '../db/role-repository.js';
import { findWorkspace } from '../db/workspace-repository.js';
import { DomainRefusal, refuse } from '../domain/errors.js';
import { checkMayBecomePartner, checkMayHoldStaffRole } from '../domain/partner-separation.js';
import { type Actor, authorize, type Capability, ROLES, type Role } from '../domain/roles.js';
import { adminMentions, loadActor, partnerStanding, staffStanding } from './actor-service.js';
import { check, runChange, type ServiceDeps } from './change.js';
import { roleChanged } from './follow-up.js';

/** What a grant or revoke did; `changed` is false when it was already so (nothing written). */
export interface RoleChange {
  readonly userId: string;
  readonly role: Role;
  readonly changed: boolean;
}

/** One person in the role list: granted roles, and where admin or partner comes from otherwise. */
export interface RoleHolder {
  readonly userId: string;
  readonly granted: readonly Role[];
  /** Listed in the AMOS_ADMINS setting. */
  readonly bootstrapAdmin: boolean;
  /** Installed the app in this workspace. */
  readonly installer: boolean;
  /** Names of the partner organisations they belong to. */
  readonly partnerOrgs: readonly string[];
}

/**
 * Loads the actor outside any change and refuses unless they hold `capability` (by default
 * any role: everyone with a role may view). Returns the actor for read-only services.
 */
export async function requireCapability(
  deps: ServiceDeps,
  teamId: string,
  userId: string,
  capability: Capability = 'view_engagement',
): Promise<Actor> {
  const actor = await loadActor(deps.db, teamId, userId, deps.admins);
  check(authorize(actor, capability, await adminMentions(deps.db, teamId, deps.admins)));
  return actor;
}

async function installerId(db: Db | Trx, teamId: string): Promise<string | null> {
  return (await findWorkspace(db as Db, teamId))?.installed_by ?? null;
}

/**
 * Grants `role` to `userId`: admins only, recorded as `role.granted`; a repeat writes nothing.
 * Refuses a staff role to a partner and the partner role to staff (nothing written).
 */
export async function grantRole(
  deps: ServiceDeps,
  teamId: string,
  actorId: string,
  target: { userId: string; role: Role },
): Promise<RoleChange> {
  return runChange(deps, teamId, actorId, async (change) => {
    await change.authorize('grant_roles');
    await lockRoleGrants(change.trx, teamId);
    await refuseMixingPartnerAndStaff(change.trx, deps, teamId, target);
    const changed = await insertRoleGrant(change.trx, {
      teamId,
      userId: target.userId,
      role: target.role,
      grantedBy: actorId,
      at: change.now,
    });
    if (changed) {
      const record = await change.record({
        engagementId: null,
        kind: 'role.granted',
        subjectRef: null,
        summary: `Granted the ${target.role} role to ${target.userId}.`,
        details: { userId: target.userId, role: target.role },
        capability: 'grant_roles',
      });
      await roleChanged(change, { action: 'grant', ...target, recordSeq: record.seq });
    }
    return { ...target, changed };
  });
}

/**
 * Partners approve nothing and decision rights stay outside delivery teams: a staff role is
 * refused to a partner, and the partner role to anyone holding a staff role. Runs under the
 * role-grant lock, which partner membership changes take too, so a race cannot mix them.
 */
async function refuseMixingPartnerAndStaff(
  trx: Trx,
  deps: ServiceDeps,
  teamId: string,
  target: { userId: string; role: Role },
): Promise<void> {
  if (target.role === 'partner') {
    const staff = await staffStanding(trx, teamId, target.userId, deps.admins);
    check(checkMayBecomePartner(target.userId, 'a partner', staff));
    return;
  }
  const partner = await partnerStanding(trx, teamId, target.userId);
  check(checkMayHoldStaffRole(target.userId, target.role, partner));
}

function conflict(message: string): never {
  throw new DomainRefusal(refuse('conflict', message).refusal);
}

/**
 * Revokes a granted `role` from `userId`: admins only, recorded as `role.revoked`. Refuses to
 * remove the workspace's last admin, and explains admin or partner rights that come from
 * elsewhere (AMOS_ADMINS, installing the app, partner membership). A repeat writes nothing.
 */
export async function revokeRole(
  deps: ServiceDeps,
  teamId: string,
  actorId: string,
  target: { userId: string; role: Role },
): Promise<RoleChange> {
  return runChange(deps, teamId, actorId, async (change) => {
    await change.authorize('grant_roles');
    await lockRoleGrants(change.trx, teamId);
    const who = `<@${target.userId}>`;
    const installer = await installerId(change.trx, teamId);
    const changed = await deleteRoleGrant(change.trx, teamId, target.userId, target.role);
    if (!changed) {
      if (target.role === 'admin' && deps.admins.includes(target.userId)) {
        conflict(
          `${who} is an admin through the AMOS_ADMINS setting, not a grant. Remove them from that setting to take admin away.`,
        );
      }
      if (target.role === 'admin' && installer === target.userId) {
        conflict(`${who} installed AMOS in this workspace, which makes them an admin.`);
      }
      if (target.role === 'partner') {
        const orgs = (await listPartnerOrgs(change.trx, teamId)).filter((o) =>
          o.memberIds.includes(target.userId),
        );
        if (orgs.length > 0) {
          const org = orgs[0]?.name ?? '';
          conflict(
            `${who} is a partner as a member of ${orgs.map((o) => o.name).join(', ')}. Use \`/amos partner remove ${org} @user\` to remove them.`,
          );
        }
      }
      return { ...target, changed: false };
    }
    if (target.role === 'admin') {
      const remaining = [...(await adminIds(change.trx, teamId)), ...deps.admins, installer];
      if (!remaining.some(Boolean)) {
        conflict(
          `${who} is the last AMOS admin in this workspace, so I can't revoke their admin role. Grant admin to someone else first with \`/amos role grant @someone admin\`.`,
        );
      }
    }
    const record = await change.record({
      engagementId: null,
      kind: 'role.revoked',
      subjectRef: null,
      summary: `Revoked the ${target.role} role from ${target.userId}.`,
      details: { userId: target.userId, role: target.role },
      capability: 'grant_roles',
    });
    await roleChanged(change, { action: 'revoke', ...target, recordSeq: record.seq });
    return { ...target, changed: true };
  });
}

/** Everyone holding an AMOS role in the workspace, for anyone who holds a role themselves. */
export async function listRoles(
  deps: ServiceDeps,
  teamId: string,
  actorId: string,
): Promise<RoleHolder[]> {
  await requireCapability(deps, teamId, actorId);
  const [grants, orgs, installer] = await Promise.all([
    listRoleGrants(deps.db, teamId),
    listPartnerOrgs(deps.db, teamId),
    installerId(deps.db, teamId),
  ]);
  const ids = new Set<string>([
    ...deps.admins,
    ...(installer ? [installer] : []),
    ...grants.map((g) => g.userId),
    ...orgs.flatMap((o) => o.memberIds),
  ]);
  const rank = (role: Role) => ROLES.indexOf(role);
  return [...ids].map((userId) => ({
    userId,
    granted: grants
      .filter((g) => g.userId === userId)
      .map((g) => g.role)
      .sort((a, b) => rank(a) - rank(b)),
    bootstrapAdmin: deps.admins.includes(userId),
    installer: installer === userId,
    partnerOrgs: orgs.filter((o) => o.memberIds.includes(userId)).map((o) => o.name),
  }));
}
