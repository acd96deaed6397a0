import { type ApprovalRequest, approverIds } from './approvals.js';
import { type EngagementFacts, engagementLabel, isIsoDate } from './engagement.js';
import { type Failure, ok, type Result, refuse } from './errors.js';
import { FIT_VERDICT_LABELS } from './fit.js';
import { capitalize, joinAnd } from './text.js';

/* Each function returns the unmet conditions of one gate (PRODUCT.md section 4) as phrases
   that follow "needs", one per condition, naming the refs concerned. Empty means met. */

/** System Entry: a Diagnostic has been submitted. */
export function systemEntryGaps(facts: EngagementFacts): string[] {
  return facts.diagnostic ? [] : ['a Diagnostic (`/amos diagnostic`)'];
}

/** Execution Approval, the requirements part: scope, criteria, dates, checkpoints, escalation level 1. */
export function executionRequirementsGaps(facts: EngagementFacts): string[] {
  const gaps: string[] = [];
  if (!facts.requirements) gaps.push('execution requirements (EX) defined');
  if (facts.scopeItems.length === 0) gaps.push('at least one scope item (SC)');
  const noCriteria = facts.scopeItems
    .filter((item) => !item.criteria.some((c) => c.trim().length > 0))
    .map((item) => item.ref);
  if (noCriteria.length > 0) gaps.push(`an acceptance criterion on ${joinAnd(noCriteria)}`);
  const noDue = facts.scopeItems.filter((item) => !item.dueDate).map((item) => item.ref);
  if (noDue.length > 0) gaps.push(`a due date on ${joinAnd(noDue)}`);
  const badDue = facts.scopeItems
    .filter((item) => item.dueDate && !isIsoDate(item.dueDate))
    .map((item) => item.ref);
  if (badDue.length > 0) gaps.push(`a valid due date (YYYY-MM-DD) on ${joinAnd(badDue)}`);
  if (facts.stages.length === 0) gaps.push('at least one stage checkpoint (SR)');
  const undated = facts.stages
    .filter((s) => !isIsoDate(s.dueDate))
    .map((s) => `${s.ref} (${s.name})`);
  if (undated.length > 0) gaps.push(`a date on stage checkpoint ${joinAnd(undated)}`);
  if (facts.escalationPath.level1.length === 0)
    gaps.push('someone on level 1 of the escalation path');
  return gaps;
}

/** Execution Approval, the decision part: the request for these requirements reached its N of M. */
export function executionApprovalTallyGaps(
  facts: EngagementFacts,
  approval: ApprovalRequest | undefined,
): string[] {
  const ref = facts.requirements?.ref ?? 'the execution requirements';
  if (!approval) return [`an approval request for ${ref}`];
  if (facts.requirements && approval.ref !== facts.requirements.ref) {
    return [`an approval of ${facts.requirements.ref} (the approval given is for ${approval.ref})`];
  }
  if (approval.status === 'rejected')
    return [`a new approval request for ${ref} (it was rejected)`];
  const authors = facts.requirements?.authorIds ?? [];
  const count = approverIds(approval).filter((id) => !authors.includes(id)).length;
  if (approval.status !== 'approved' || count < facts.requiredApprovals) {
    return [
      `approval of ${ref} by ${facts.requiredApprovals} executives who did not author it (${count} so far)`,
    ];
  }
  return [];
}

/** Partner Activation: a partner organisation whose latest fit verdict is fit, and a partner channel. */
export function partnerActivationGaps(facts: EngagementFacts): string[] {
  const gaps: string[] = [];
  const org = facts.partnerOrg;
  if (!org) gaps.push(`a partner organisation (\`/amos partner assign ${facts.slug} <org>\`)`);
  else if (org.latestVerdict !== 'fit') {
    const latest = org.latestVerdict
      ? `latest: ${FIT_VERDICT_LABELS[org.latestVerdict]}`
      : 'none yet';
    gaps.push(`a *fit* verdict for ${org.name} (${latest}; assess with \`/amos fit\`)`);
  }
  if (!facts.partnerChannelId) gaps.push('a partner channel');
  return gaps;
}

/** Turns a gate's unmet conditions into a `gate_not_met` refusal listing all of them. */
export function gateRefusal(gate: string, slug: string, gaps: readonly string[]): Failure {
  return refuse(
    'gate_not_met',
    `${gate} for ${engagementLabel(slug)} needs ${gaps.join('; ')}.`,
    gaps.map((gap) => `${capitalize(gap)}.`),
  );
}

/** Ok when the requirements are complete enough to be put to (or voted on by) executives. */
export function checkExecutionRequirements(facts: EngagementFacts): Result<void> {
  const gaps = executionRequirementsGaps(facts);
  return gaps.length === 0 ? ok() : gateRefusal('Execution approval', facts.slug, gaps);
}
