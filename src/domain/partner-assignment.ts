import { engagementLabel, STAGE_LABELS, type Stage } from './engagement.js';
import { ok, type Result, refuse } from './errors.js';
import { type Actor, can } from './roles.js';
import { joinAnd } from './text.js';

/** The stages in which an engagement's partner organisation may still be set or changed. */
export const PARTNER_ASSIGNABLE_STAGES: readonly Stage[] = [
  'draft',
  'diagnostic_submitted',
  'outputs_reviewed',
  'execution_approved',
];

/** What the rule needs to know about the engagement. */
export interface PartnerAssignmentTarget {
  readonly slug: string;
  readonly stage: Stage;
  readonly operatorId: string;
}

/**
 * Ok when the actor may set the engagement's partner organisation now: they are its operator
 * or an executive/admin (`forbidden_role` otherwise), and the partner has not been activated
 * yet (`wrong_stage` otherwise).
 */
export function checkPartnerAssignment(
  actor: Actor,
  target: PartnerAssignmentTarget,
): Result<void> {
  const name = engagementLabel(target.slug);
  if (actor.userId !== target.operatorId && !can(actor, 'activate')) {
    const held = actor.roles.length === 1 ? 'role is' : 'roles are';
    return refuse(
      'forbidden_role',
      `Only the operator of ${name}, or an executive or admin, may set its partner organisation; your AMOS ${held} ${joinAnd(actor.roles)}.`,
    );
  }
  if (!PARTNER_ASSIGNABLE_STAGES.includes(target.stage)) {
    return refuse(
      'wrong_stage',
      `The partner organisation of ${name} can only be set before activation; ${name} is ${STAGE_LABELS[target.stage]}, so its partner organisation stays as it is.`,
    );
  }
  return ok();
}
