import { engagementLabel, STAGE_LABELS, type Stage } from './engagement.js';
import { ok, type Result, refuse } from './errors.js';

export type GatingMode = 'enforce' | 'warn';
export type ChannelGate = 'open' | 'closed';

/** The partner channel is open only while the engagement is active. */
export function channelGate(stage: Stage): ChannelGate {
  return stage === 'active' ? 'open' : 'closed';
}

/**
 * What to do when a partner user joins the partner channel: allow when it is open and the user
 * belongs to the engagement's partner organisation; otherwise remove (enforce) or warn.
 */
export function onPartnerJoin(
  stage: Stage,
  mode: GatingMode,
  isMemberOfEngagementOrg = true,
): 'allow' | 'remove' | 'warn' {
  if (channelGate(stage) === 'open' && isMemberOfEngagementOrg) return 'allow';
  return mode === 'enforce' ? 'remove' : 'warn';
}

/** A message from a partner user in the partner channel: allowed while open, otherwise an ephemeral notice. */
export function onPartnerMessage(stage: Stage): 'allow' | 'notice' {
  return channelGate(stage) === 'open' ? 'allow' : 'notice';
}

/**
 * Reconciliation of a channel's members with the engagement's state: partner users who should not
 * be there, split into those to remove and those to warn. Non-partner members are never touched.
 */
export function reconcileChannel(
  stage: Stage,
  mode: GatingMode,
  memberIds: readonly string[],
  partnerUsers: ReadonlyMap<string, { readonly isMemberOfEngagementOrg: boolean }>,
): { readonly remove: string[]; readonly warn: string[] } {
  const remove: string[] = [];
  const warn: string[] = [];
  for (const userId of memberIds) {
    const partner = partnerUsers.get(userId);
    if (!partner) continue;
    const decision = onPartnerJoin(stage, mode, partner.isMemberOfEngagementOrg);
    if (decision === 'remove') remove.push(userId);
    else if (decision === 'warn') warn.push(userId);
  }
  return { remove, warn };
}

/** Why partners cannot act yet, by stage: what must happen before they can. */
const GATED_BECAUSE: Readonly<Record<Stage, string>> = {
  draft:
    'partners can act only after the Diagnostic is submitted, reviewed and approved and the partner is activated',
  diagnostic_submitted:
    'partners can act only after the Diagnostic outputs are reviewed, execution is approved and the partner is activated',
  outputs_reviewed:
    'partners can act only after the execution requirements are approved and the partner is activated',
  execution_approved:
    'partners can act only after an executive activates the partner (`/amos activate`)',
  active: '',
  paused: 'partner work is frozen until an executive resumes it',
  completed: 'the engagement is finished, so no further partner work is accepted',
  terminated: 'the engagement was terminated, so no further partner work is accepted',
};

/** Who stopped the work (paused or terminated it) and why: named in every partner refusal. */
export interface Halt {
  readonly reason: string;
  readonly byId: string;
}

// Refusal messages are Slack mrkdwn; the reason is typed text, made inert as the Slack layer's
// esc() does, so it can never mention, broadcast or link.
const inert = (typed: string) =>
  typed.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** "<@U1> paused it: “reason”." for a paused or terminated engagement; empty otherwise. */
export function haltSentence(stage: Stage, halt: Halt | undefined): string {
  if (!halt || (stage !== 'paused' && stage !== 'terminated')) return '';
  const verb = stage === 'paused' ? 'paused' : 'terminated';
  return ` <@${halt.byId}> ${verb} it: “${inert(halt.reason)}”.`;
}

/**
 * Ok only when the user belongs to the engagement's partner organisation, the engagement is
 * active, and the user has acknowledged the charter; otherwise a refusal naming the stage and
 * what must happen next (for a paused or terminated engagement, who stopped it and why).
 */
export function partnerMayAct(
  engagement: { readonly slug: string; readonly stage: Stage; readonly halt?: Halt },
  partner: { readonly isMemberOfEngagementOrg: boolean; readonly acknowledgedCharter: boolean },
): Result<void> {
  const name = engagementLabel(engagement.slug);
  if (!partner.isMemberOfEngagementOrg) {
    return refuse(
      'not_partner_member',
      `You're not a member of the partner organisation engaged on ${name}, so you can't act on it. Ask an AMOS admin if that's wrong.`,
    );
  }
  if (channelGate(engagement.stage) === 'closed') {
    return refuse(
      'wrong_stage',
      `${name} is in *${STAGE_LABELS[engagement.stage]}*: ${GATED_BECAUSE[engagement.stage]}.${haltSentence(engagement.stage, engagement.halt)}`,
    );
  }
  if (!partner.acknowledgedCharter) {
    return refuse(
      'not_acknowledged',
      `Acknowledge the engagement charter pinned in the partner channel of ${name} before you act on it.`,
    );
  }
  return ok();
}
