import { ok, type Result, refuse } from './errors.js';
import type { Role } from './roles.js';
import { joinAnd } from './text.js';

// PRODUCT.md section 2: partners approve nothing, and decision authority stays outside delivery
// teams. So nobody is both a partner and an admin, executive or operator: each side of the
// combination is refused while the other is held.

/** Roles a partner may never hold alongside partner. */
export const STAFF_ROLES: readonly Role[] = ['admin', 'executive', 'operator'];

/** How a user is a partner today: the organisations they belong to, or a granted partner role. */
export interface PartnerStanding {
  readonly orgNames: readonly string[];
  readonly grantedPartner: boolean;
}

/** Where a user's staff roles come from today. */
export interface StaffStanding {
  readonly granted: readonly Role[];
  /** Admin through the AMOS_ADMINS setting. */
  readonly bootstrapAdmin: boolean;
  /** Admin because they installed the app. */
  readonly installer: boolean;
}

/**
 * Refuses granting `role` when it is a staff role and the user is a partner; says how to end
 * the partnership first. Granting partner itself is checked by `checkMayBecomePartner`.
 */
export function checkMayHoldStaffRole(
  userId: string,
  role: Role,
  partner: PartnerStanding,
): Result<void> {
  if (!STAFF_ROLES.includes(role)) return ok();
  const who = `<@${userId}>`;
  const [org] = partner.orgNames;
  if (org !== undefined) {
    const orgs = joinAnd([...partner.orgNames]);
    return refuse(
      'conflict',
      `${who} is a member of ${orgs} (a partner): decision rights stay outside delivery teams; remove them from the organisation first (\`/amos partner remove ${org} ${who}\`), then grant the ${role} role.`,
    );
  }
  if (partner.grantedPartner) {
    return refuse(
      'conflict',
      `${who} holds the partner role: decision rights stay outside delivery teams; revoke it first (\`/amos role revoke ${who} partner\`), then grant the ${role} role.`,
    );
  }
  return ok();
}

/**
 * Refuses making a user a partner (`becoming`: "a member of Northwind Agency (a partner)" or
 * "a partner") while they hold a staff role, naming where each role comes from and how to drop it.
 */
export function checkMayBecomePartner(
  userId: string,
  becoming: string,
  staff: StaffStanding,
): Result<void> {
  const who = `<@${userId}>`;
  const granted = staff.granted.filter((r) => STAFF_ROLES.includes(r));
  const held = [...granted];
  if ((staff.bootstrapAdmin || staff.installer) && !held.includes('admin')) held.push('admin');
  if (held.length === 0) return ok();
  const why = `${who} is ${joinAnd(held.map((r) => `an ${r}`))} in AMOS, so they can't become ${becoming}: partners approve nothing and decision rights stay outside delivery teams.`;
  if (staff.installer) {
    return refuse(
      'conflict',
      `${why} Whoever installed AMOS in this workspace stays an admin, so they can't be a partner.`,
    );
  }
  const steps: string[] = [];
  if (granted.length > 0) {
    steps.push(
      `revoke ${granted.length > 1 ? 'those roles' : 'that role'} (\`/amos role revoke ${who} ${granted[0]}\`)`,
    );
  }
  if (staff.bootstrapAdmin) steps.push('remove them from the AMOS_ADMINS setting');
  return refuse('conflict', `${why} To change that, ${joinAnd(steps)} first.`);
}
