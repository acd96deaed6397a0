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
            'An operator submits the Diagnostic for review (`/amos diagnostic`).',
          )
        : step(
            'submit_diagnostic',
            'An operator completes the Diagnostic (`/amos diagnostic`).',
            systemEntryGaps(engagement),
          );
    case 'diagnostic_submitted':
      return step(
        'review_outputs',
        'An executive who did not author the Diagnostic reviews its outputs (`/amos review`) or sends it back.',
      );
    case 'outputs_reviewed': {
      const gaps = executionRequirementsGaps(engagement);
      if (gaps.length > 0) {
        return step(
          'define_requirements',
          'An operator completes the execution requirements (`/amos scope`).',
          gaps,
        );
      }
      const n = engagement.requiredApprovals;
      const who = n === 1 ? 'An executive' : `${n} executives`;
      const ref = engagement.requirements?.ref ?? 'EX';
      return step(
        'approve',
        `${who} who did not author them approve the execution requirements (\`/amos approve ${ref}\`).`,
      );
    }
    case 'execution_approved': {
      const gaps = partnerActivationGaps(engagement);
      return step(
        'activate',
        gaps.length > 0
          ? 'An executive or admin sets the partner organisation, its fit verdict and the partner channel, then activates (`/amos activate`).'
          : 'An executive activates the partner (`/amos activate`).',
        gaps,
      );
    }
    case 'active':
      return step(
        'partner_act',
        'The partner delivers against the approved scope (`/amos deliver`, `/amos stage`).',
      );
    case 'paused':
      return step(
        'resume',
        'An executive resumes the engagement (`/amos resume`) or terminates it.',
      );
    case 'completed':
    case 'terminated':
      return step(null, `The engagement is ${STAGE_LABELS[stage]}; nothing further happens.`);
  }
}
