import { ok, type Result, refuse } from './errors.js';
import { isPresent, joinAnd, tooLongMessage } from './text.js';

/** Longest evidence note accepted per criterion. */
export const FIT_EVIDENCE_MAX = 1000;

export const FIT_SIGNAL_KEYS = [
  'execution_partner_role',
  'operational_rigor',
  'governed_delivery',
  'diagnostic_direction',
  'decision_boundaries',
] as const;
export const RED_FLAG_KEYS = [
  'role_expansion',
  'system_influence',
  'process_gaps',
  'output_bypass',
  'informal_models',
] as const;

export type FitSignalKey = (typeof FIT_SIGNAL_KEYS)[number];
export type RedFlagKey = (typeof RED_FLAG_KEYS)[number];
export type FitCriterionKey = FitSignalKey | RedFlagKey;
export type FitVerdict = 'fit' | 'not_fit' | 'needs_conversation';

export interface FitCriterion {
  readonly key: FitCriterionKey;
  readonly kind: 'signal' | 'red_flag';
  readonly label: string;
  readonly description: string;
}

/** The ten criteria of the seed's "Partner Fit", signals first, wording from the seed. */
export const FIT_CRITERIA: readonly FitCriterion[] = [
  {
    key: 'execution_partner_role',
    kind: 'signal',
    label: 'Execution Partner Role',
    description: 'Operate as an execution partner, not a strategy owner.',
  },
  {
    key: 'operational_rigor',
    kind: 'signal',
    label: 'Operational Rigor',
    description: 'Prioritize documentation, transparency, and quality control.',
  },
  {
    key: 'governed_delivery',
    kind: 'signal',
    label: 'Governed Delivery',
    description: 'Work within defined scopes, standards, and acceptance criteria.',
  },
  {
    key: 'diagnostic_direction',
    kind: 'signal',
    label: 'Diagnostic Direction',
    description: 'Accept direction from a diagnostic-led system.',
  },
  {
    key: 'decision_boundaries',
    kind: 'signal',
    label: 'Decision Boundaries',
    description: 'Respect that decision authority remains outside delivery teams.',
  },
  {
    key: 'role_expansion',
    kind: 'red_flag',
    label: 'Role Expansion',
    description: 'Position delivery teams as decision-makers or strategy owners.',
  },
  {
    key: 'system_influence',
    kind: 'red_flag',
    label: 'System Influence',
    description: 'Seek to influence system logic, scoring, or prioritization.',
  },
  {
    key: 'process_gaps',
    kind: 'red_flag',
    label: 'Process Gaps',
    description: 'Operate without formal QA, documentation, or change control.',
  },
  {
    key: 'output_bypass',
    kind: 'red_flag',
    label: 'Output Bypass',
    description: 'Reinterpret or bypass diagnostic outputs.',
  },
  {
    key: 'informal_models',
    kind: 'red_flag',
    label: 'Informal Models',
    description: 'Prefer informal or relationship-driven engagement models.',
  },
];

export const FIT_VERDICT_LABELS: Readonly<Record<FitVerdict, string>> = {
  fit: 'fit',
  not_fit: 'not a fit',
  needs_conversation: 'needs conversation',
};

export interface FitAnswer {
  readonly holds: boolean;
  readonly evidence: string;
}

export type FitAnswers = Readonly<Record<FitCriterionKey, FitAnswer>>;

export interface FitAssessment {
  readonly verdict: FitVerdict;
  readonly summary: string;
  readonly redFlags: readonly RedFlagKey[];
  readonly missingSignals: readonly FitSignalKey[];
}

const LABELS = new Map(FIT_CRITERIA.map((c) => [c.key, c.label]));

/** The label of a criterion ("Operational Rigor"). */
export function fitCriterionLabel(key: FitCriterionKey): string {
  return LABELS.get(key) ?? key;
}

/**
 * Verdict per PRODUCT.md section 3: not_fit when any red flag holds, fit when all five signals
 * hold and no red flag, otherwise needs_conversation. Refuses `invalid_input` (with one field
 * error per criterion key) when an answer is missing or a criterion that holds has no evidence.
 */
export function assessFit(
  answers: Readonly<Partial<Record<FitCriterionKey, FitAnswer>>>,
): Result<FitAssessment> {
  const fieldErrors: Record<string, string> = {};
  for (const criterion of FIT_CRITERIA) {
    const answer = answers[criterion.key];
    if (!answer) fieldErrors[criterion.key] = `Say whether ${criterion.label} holds.`;
    else if (answer.holds && !isPresent(answer.evidence)) {
      fieldErrors[criterion.key] = `Add the evidence that ${criterion.label} holds.`;
    } else if (answer.evidence.length > FIT_EVIDENCE_MAX) {
      fieldErrors[criterion.key] = tooLongMessage(FIT_EVIDENCE_MAX, answer.evidence.length);
    }
  }
  const invalid = Object.keys(fieldErrors) as FitCriterionKey[];
  if (invalid.length > 0) {
    return refuse(
      'invalid_input',
      `The fit assessment is incomplete: answer every criterion and give evidence for each one that holds (${joinAnd(invalid.map(fitCriterionLabel))}).`,
      invalid.map((key) => `${fitCriterionLabel(key)}: ${fieldErrors[key]}`),
      fieldErrors,
    );
  }
  const redFlags = RED_FLAG_KEYS.filter((key) => answers[key]?.holds);
  const missingSignals = FIT_SIGNAL_KEYS.filter((key) => !answers[key]?.holds);
  if (redFlags.length > 0) {
    return ok({
      verdict: 'not_fit',
      summary: `Not a fit: red ${redFlags.length === 1 ? 'flag' : 'flags'} ${joinAnd(redFlags.map(fitCriterionLabel))}.`,
      redFlags,
      missingSignals,
    });
  }
  if (missingSignals.length > 0) {
    return ok({
      verdict: 'needs_conversation',
      summary: `Needs a conversation to confirm expectations: ${joinAnd(missingSignals.map(fitCriterionLabel))} not yet shown.`,
      redFlags,
      missingSignals,
    });
  }
  return ok({
    verdict: 'fit',
    summary: 'Fit: all five fit signals hold and no red flag.',
    redFlags,
    missingSignals,
  });
}
