import {
  type EngagementFacts,
  engagementLabel,
  isFinalStage,
  STAGE_LABELS,
  type Stage,
} from './engagement.js';
import { ok, type Refusal, type Result, refuse } from './errors.js';
import { gateRefusal } from './gates.js';
import { type Actor, authorize, checkSeparationOfDuties } from './roles.js';
import { isPresent, REASON_MAX, tooLongMessage } from './text.js';
import {
  type DecisionToRecord,
  type LifecycleAction,
  TRANSITIONS,
  type TransitionInput,
  type TransitionRule,
} from './transitions.js';

export {
  type EngagementFacts,
  FINAL_STAGES,
  isFinalStage,
  STAGE_LABELS,
  STAGES,
  type Stage,
} from './engagement.js';
export { describeNextStep, type NextStep } from './next-step.js';
export {
  type DecisionToRecord,
  LIFECYCLE_ACTIONS,
  type LifecycleAction,
  TRANSITIONS,
  type TransitionInput,
  type TransitionRule,
} from './transitions.js';

export interface TransitionOutcome {
  readonly action: LifecycleAction;
  readonly from: Stage;
  readonly to: Stage;
  readonly at: Date;
  readonly record: DecisionToRecord;
}

/** How to ask for the reason an action needs. */
const REASON_PROMPTS: Partial<Record<LifecycleAction, (name: string) => string>> = {
  send_back: (name) => `Say why ${name} goes back to draft: sending back needs a reason.`,
  pause: (name) => `Say why ${name} is paused: \`/amos pause <reason>\`.`,
  terminate: (name) => `Say why ${name} is terminated: \`/amos terminate <reason>\`.`,
};

const STAGE_ORDER: Readonly<Record<Stage, number>> = {
  draft: 0,
  diagnostic_submitted: 1,
  outputs_reviewed: 2,
  execution_approved: 3,
  active: 4,
  paused: 4,
  completed: 5,
  terminated: 5,
};

/** What has to happen next in each non-final stage, completing "…: X before Y". */
const NEXT_STEP: Readonly<Record<Stage, string>> = {
  draft: 'the Diagnostic must be submitted (`/amos diagnostic`)',
  diagnostic_submitted: 'an executive must review the Diagnostic outputs (`/amos review`)',
  outputs_reviewed:
    'the execution requirements must be submitted (`/amos scope <slug> submit`) and approved (`/amos approve`)',
  execution_approved: 'the partner must be activated (`/amos activate`)',
  active: 'the work must be delivered',
  paused: 'an executive must resume it (`/amos resume`)',
  completed: 'nothing: it is final',
  terminated: 'nothing: it is final',
};

/** The `wrong_stage` refusal: the current stage, and what must happen next. */
function wrongStage(facts: EngagementFacts, rule: TransitionRule): Refusal {
  const name = engagementLabel(facts.slug);
  const label = STAGE_LABELS[facts.stage];
  const earliest = Math.min(...rule.from.map((stage) => STAGE_ORDER[stage]));
  let message: string;
  if (isFinalStage(facts.stage)) {
    message = `${name} is *${label}*, which is final: nothing on it can change any more.`;
  } else if (STAGE_ORDER[facts.stage] < earliest) {
    message = `${name} is in *${label}*: ${NEXT_STEP[facts.stage]} before ${rule.phrase}.`;
  } else if (facts.stage === rule.to) {
    message =
      facts.stage === 'paused'
        ? `${name} is already *paused*; an executive can resume it (\`/amos resume\`) or terminate it.`
        : `${name} is already in *${label}*.`;
  } else {
    message = `${name} is in *${label}*, past the point where ${rule.phrase}.`;
  }
  return { code: 'wrong_stage', message };
}

/**
 * The single lifecycle entry point. Checks, in order: role (a person without the right is told
 * so whatever the stage), stage, required reason, separation of duties, then the gate, which
 * lists every unmet condition at once. On success returns the new stage and the decision to record.
 */
export function transition(
  engagement: EngagementFacts,
  action: LifecycleAction,
  actor: Actor,
  input: TransitionInput,
  now: Date,
): Result<TransitionOutcome> {
  const rule = TRANSITIONS[action];
  const role = authorize(actor, rule.capability, input.adminNames);
  if (!role.ok) return role;
  if (!rule.from.includes(engagement.stage)) {
    return { ok: false, refusal: wrongStage(engagement, rule) };
  }
  if (rule.reasonRequired && !isPresent(input.reason)) {
    const name = engagementLabel(engagement.slug);
    return refuse(
      'invalid_input',
      REASON_PROMPTS[action]?.(name) ?? `Give a reason to ${action} ${name}.`,
      undefined,
      { reason: 'A reason is required.' },
    );
  }
  if (input.reason && input.reason.length > REASON_MAX) {
    const message = tooLongMessage(REASON_MAX, input.reason.length);
    return refuse('invalid_input', `Shorten the reason: ${message}`, undefined, {
      reason: message,
    });
  }
  if (rule.authoredBy) {
    const { authorIds, what } = rule.authoredBy(engagement);
    const duties = checkSeparationOfDuties(actor, authorIds, what);
    if (!duties.ok) return duties;
  }
  if (rule.gate) {
    const gaps = rule.gate.gaps(engagement, input);
    if (gaps.length > 0) return gateRefusal(rule.gate.name, engagement.slug, gaps);
  }
  const reason = input.reason?.trim();
  const note = input.note?.trim();
  return ok({
    action,
    from: engagement.stage,
    to: rule.to,
    at: now,
    record: {
      kind: rule.recordKind,
      summary: rule.summary(engagement, input),
      details: {
        slug: engagement.slug,
        action,
        from: engagement.stage,
        to: rule.to,
        ...(reason ? { reason } : {}),
        ...(note ? { note } : {}),
        ...rule.details?.(engagement, input),
      },
    },
  });
}
