import { engagementLabel, STAGE_LABELS, type Stage } from './engagement.js';
import { ok, type Result, refuse } from './errors.js';

/** Stages in which the charter can be acknowledged: after activation, before the end. */
const ACKNOWLEDGEABLE: readonly Stage[] = ['active', 'paused'];

/**
 * Ok only when the user belongs to the engagement's partner organisation and the engagement has
 * been activated and is not finished; otherwise a refusal saying why and what to do.
 */
export function mayAcknowledgeCharter(
  engagement: { readonly slug: string; readonly stage: Stage },
  partner: { readonly isMemberOfEngagementOrg: boolean },
): Result<void> {
  const name = engagementLabel(engagement.slug);
  if (!partner.isMemberOfEngagementOrg) {
    return refuse(
      'not_partner_member',
      `Only members of the partner organisation engaged on ${name} acknowledge its charter. Ask an AMOS admin if you should be one.`,
    );
  }
  if (!ACKNOWLEDGEABLE.includes(engagement.stage)) {
    const label = STAGE_LABELS[engagement.stage];
    const why =
      engagement.stage === 'completed' || engagement.stage === 'terminated'
        ? 'which is final, so there is nothing left to acknowledge'
        : 'so the partner has not been activated yet; the charter is acknowledged after `/amos activate`';
    return refuse('wrong_stage', `${name} is in *${label}*, ${why}.`);
  }
  return ok();
}
