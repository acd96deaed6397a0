import { ok, type Result, refuse } from './errors.js';
import { joinAnd } from './text.js';

export const ROLES = ['admin', 'executive', 'operator', 'partner'] as const;
export type Role = (typeof ROLES)[number];

export interface Actor {
  readonly userId: string;
  readonly roles: readonly Role[];
}

export const CAPABILITIES = [
  'grant_roles',
  'manage_partners',
  'configure',
  'create_engagement',
  'submit_diagnostic',
  'define_requirements',
  'review_outputs',
  'approve',
  'assess_fit',
  'activate',
  'pause',
  'resume',
  'terminate',
  'complete',
  'review_deliverables',
  'raise_risk',
  'view_engagement',
  'view_log',
  'export_log',
  'partner_act',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

const EXECUTIVE: readonly Role[] = ['executive', 'admin'];

/** Decision rights (PRODUCT.md section 2): who may do what. Admin holds every executive right. */
export const DECISION_RIGHTS: Readonly<Record<Capability, readonly Role[]>> = {
  grant_roles: ['admin'],
  manage_partners: ['admin'],
  configure: ['admin'],
  create_engagement: ['operator'],
  submit_diagnostic: ['operator'],
  define_requirements: ['operator'],
  review_outputs: EXECUTIVE,
  approve: EXECUTIVE,
  assess_fit: EXECUTIVE,
  activate: EXECUTIVE,
  pause: EXECUTIVE,
  resume: EXECUTIVE,
  terminate: EXECUTIVE,
  complete: EXECUTIVE,
  review_deliverables: ['operator', 'executive', 'admin'],
  raise_risk: ['partner', 'operator', 'executive', 'admin'],
  view_engagement: ['admin', 'executive', 'operator', 'partner'],
  view_log: ['admin', 'executive', 'operator'],
  export_log: EXECUTIVE,
  partner_act: ['partner'],
};

/** What each capability lets a person do, phrased to follow "may" / "to". */
const CAPABILITY_TEXT: Readonly<Record<Capability, string>> = {
  grant_roles: 'grant or revoke AMOS roles',
  manage_partners: 'manage partner organisations',
  configure: 'change AMOS settings',
  create_engagement: 'create engagements',
  submit_diagnostic: 'submit or revise the Diagnostic',
  define_requirements: 'define scope items, acceptance criteria and stages',
  review_outputs: 'review Diagnostic outputs',
  approve: 'approve or reject requests',
  assess_fit: 'assess partner fit',
  activate: 'activate partners',
  pause: 'pause engagements',
  resume: 'resume engagements',
  terminate: 'terminate engagements',
  complete: 'complete engagements',
  review_deliverables: 'review deliverables',
  raise_risk: 'raise risks',
  view_engagement: 'view engagements',
  view_log: 'view the decision record',
  export_log: 'export the decision record',
  partner_act: 'act as a partner',
};

/** The roles that hold `capability`. */
export function rolesFor(capability: Capability): readonly Role[] {
  return DECISION_RIGHTS[capability];
}

/** True when the actor holds at least one role that grants `capability`. */
export function can(actor: Actor, capability: Capability): boolean {
  return actor.roles.some((role) => DECISION_RIGHTS[capability].includes(role));
}

/** True when `value` is one of the four AMOS roles. */
export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** A noun phrase for a role list: "an executive or admin". */
export function describeRoles(roles: readonly Role[]): string {
  if (roles.length === 0) return 'nobody';
  const first = roles[0] ?? '';
  const article = /^[aeiou]/.test(first) ? 'an' : 'a';
  return `${article} ${joinAnd(roles, 'or')}`;
}

/**
 * Ok when the actor holds a role granting `capability`; otherwise `no_role` (with who can grant
 * one, from `adminNames`, e.g. Slack mentions) or `forbidden_role` naming the roles that may.
 */
export function authorize(
  actor: Actor,
  capability: Capability,
  adminNames: readonly string[] = [],
): Result<void> {
  if (actor.roles.length === 0) {
    const who =
      adminNames.length > 0 ? `an AMOS admin (${joinAnd(adminNames, 'or')})` : 'an AMOS admin';
    return refuse(
      'no_role',
      `You don't have an AMOS role in this workspace yet. Ask ${who} to grant one with \`/amos role grant @you <role>\`.`,
    );
  }
  if (can(actor, capability)) return ok();
  const allowed = rolesFor(capability);
  return refuse(
    'forbidden_role',
    `Only ${describeRoles(allowed)} may ${CAPABILITY_TEXT[capability]}; your AMOS ${actor.roles.length === 1 ? 'role is' : 'roles are'} ${joinAnd(actor.roles)}.`,
  );
}

/**
 * Ok unless the actor is among `authorIds` (the requester and authors of `what`, e.g.
 * "the execution requirements EX-1"): nobody decides on what they requested or authored.
 */
export function checkSeparationOfDuties(
  actor: Actor,
  authorIds: readonly string[],
  what: string,
): Result<void> {
  if (!authorIds.includes(actor.userId)) return ok();
  return refuse(
    'separation_of_duties',
    `You requested or authored ${what}, so another executive must decide on it (separation of duties).`,
  );
}
