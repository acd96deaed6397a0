import type { EngagementFacts, Stage } from './engagement.js';
import { STAGE_LABELS } from './engagement.js';
import { executionRequirementsGaps, partnerActivationGaps, systemEntryGaps } from './gates.js';
import { type Capability, type Role, rolesFor } from './roles.js';

export interface NextStep {
  readonly stage: Stage;
  readonly blockers: readonly string[];
  readonly whoMustAct: readonly Role[];
  readonly next: string;
}

/** For `/amos status`: what stands in the way, who must act, and what they do next. */
export function describeNextStep(engagement: EngagementFacts): NextStep {
  const stage = engagement.stage;
  const slug = engagement.slug;
  const step = (
    capability: Capability | null,
    next: string,
    blockers: string[] = [],
  ): NextStep => ({
    stage,
    blockers,
    whoMustAct: capability ? rolesFor(capability) : [],
    next,
  });
  switch (stage) {
    case 'draft':
      return engagement.diagnostic
        ? step(
            'submit_diagnostic',
            `An operator submits the Diagnostic for review (\`/amos diagnostic ${slug}\`).`,
          )
        : step(
            'submit_diagnostic',
            `An operator completes the Diagnostic (\`/amos diagnostic ${slug}\`).`,
            systemEntryGaps(engagement),
          );
    case 'diagnostic_submitted':
      return step(
        'review_outputs',
        `An executive who did not author the Diagnostic reviews its outputs (\`/amos review ${slug}\`) or sends it back.`,
      );
    case 'outputs_reviewed':
      return executionApprovalStep(engagement, step);
    case 'execution_approved': {
      const gaps = partnerActivationGaps(engagement);
      return step(
        'activate',
        gaps.length > 0
          ? `An executive or admin sets the partner organisation, its fit verdict and the partner channel, then activates (\`/amos activate ${slug}\`).`
          : `An executive activates the partner (\`/amos activate ${slug}\`).`,
        gaps,
      );
    }
    case 'active':
      return step(
        'partner_act',
        'The engagement is active; partners deliver against the approved scope.',
      );
    case 'paused':
      return step(
        'resume',
        'The engagement is paused; an executive can resume it (resume is not available in Slack yet).',
      );
    case 'completed':
    case 'terminated':
      return step(null, `The engagement is ${STAGE_LABELS[stage]}; nothing further happens.`);
  }
}

type StepFn = (capability: Capability | null, next: string, blockers?: string[]) => NextStep;

/**
 * The Execution Approval gate: complete the requirements (operator), submit them when no
 * request is pending (operator; also after a rejection or withdrawal), else vote on EX-n.
 */
function executionApprovalStep(engagement: EngagementFacts, step: StepFn): NextStep {
  const slug = engagement.slug;
  const gaps = executionRequirementsGaps(engagement);
  const scope = `\`/amos scope ${slug}\``;
  const submit = `\`/amos scope ${slug} submit\``;
  if (gaps.length > 0) {
    return step(
      'define_requirements',
      `An operator completes the execution requirements (${scope}), then submits them for approval (${submit}).`,
      gaps,
    );
  }
  const req = engagement.requirements;
  if (req?.ref && req.status === 'pending') {
    const n = engagement.requiredApprovals;
    const k = req.voterIds?.length ?? 0;
    const left = Math.max(n - k, 1);
    const who =
      left === 1
        ? k === 0
          ? 'An executive'
          : 'One more executive'
        : `${left}${k === 0 ? '' : ' more'} executives`;
    return step(
      'approve',
      `${who} who did not author the execution requirements ${left === 1 ? 'approves' : 'approve'} ${req.ref} (\`/amos approve ${slug} ${req.ref}\`)${left === 1 ? ' or rejects it' : '; any one of them can reject it'} with a reason (\`/amos reject ${slug} ${req.ref} <reason>\`).`,
      [`${req.ref} has ${k} of ${n} approval${n === 1 ? '' : 's'}`],
    );
  }
  const before =
    req?.ref && req.status === 'rejected'
      ? `${req.ref} was rejected. An operator revises the execution requirements if needed (${scope}) and submits them again (${submit}).`
      : req?.ref && req.status === 'withdrawn'
        ? `${req.ref} was withdrawn when the Diagnostic outputs were sent back. An operator submits the execution requirements again (${submit}).`
        : undefined;
  return step(
    'define_requirements',
    before ?? `An operator submits the execution requirements for approval (${submit}).`,
    ['the execution requirements submitted for approval'],
  );
}
