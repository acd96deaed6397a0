import { engagementLabel, STAGE_LABELS, type Stage } from './engagement.js';
import { ok, type Result, refuse } from './errors.js';
import { isPresent } from './text.js';

export const SCORE_MIN = 0;
export const SCORE_MAX = 100;
export const PRIORITIES_MAX = 20;
/** The longest text each Diagnostic field takes (the form says so). */
export const DIAGNOSTIC_TEXT_MAX = 3000;
export const DIMENSIONS_MAX = 20;

/** What an operator enters in System Entry (PRODUCT.md section 4, gate 1). */
export interface DiagnosticContent {
  /** Ranked: the first is the most important. */
  readonly priorities: readonly string[];
  /** Dimension -> score, each a whole number from 0 to 100. */
  readonly scores: Readonly<Record<string, number>>;
  readonly findings: string;
  readonly recommendedScope: string;
}

/** The latest stored version of an engagement's Diagnostic. */
export interface DiagnosticVersion {
  readonly ref: string;
  readonly version: number;
  readonly authorId: string;
  /** When Output Review confirmed it; a frozen version never changes. */
  readonly frozenAt: Date | null;
}

export type DiagnosticField = 'priorities' | 'scores' | 'findings' | 'recommendedScope';

/** Stages in which the operator may submit or revise the Diagnostic. */
export const DIAGNOSTIC_EDIT_STAGES: readonly Stage[] = ['draft', 'diagnostic_submitted'];

/** True when `score` is a whole number from 0 to 100. */
export function isValidScore(score: number): boolean {
  return Number.isInteger(score) && score >= SCORE_MIN && score <= SCORE_MAX;
}

/**
 * Ok when the content is a complete Diagnostic: at least one priority, at least one scored
 * dimension with every score a whole number from 0 to 100, findings and a recommended scope.
 * Otherwise `invalid_input` with one message per field.
 */
export function checkDiagnosticContent(content: DiagnosticContent): Result<void> {
  const errors: Partial<Record<DiagnosticField, string>> = {};
  const priorities = content.priorities.filter(isPresent);
  if (priorities.length === 0) errors.priorities = 'List at least one priority, one per line.';
  else if (priorities.length > PRIORITIES_MAX)
    errors.priorities = `At most ${PRIORITIES_MAX} priorities.`;
  const entries = Object.entries(content.scores);
  const bad = entries.find(([, score]) => !isValidScore(score));
  if (entries.length === 0) errors.scores = 'Score at least one dimension, e.g. `retention: 42`.';
  else if (entries.length > DIMENSIONS_MAX) errors.scores = `At most ${DIMENSIONS_MAX} dimensions.`;
  else if (bad)
    errors.scores = `\`${bad[0]}: ${bad[1]}\`: scores are whole numbers from ${SCORE_MIN} to ${SCORE_MAX}.`;
  if (!isPresent(content.findings)) errors.findings = 'Write the key findings.';
  if (!isPresent(content.recommendedScope))
    errors.recommendedScope = 'Write the recommended scope.';
  if (Object.keys(errors).length === 0) return ok();
  return refuse(
    'invalid_input',
    'Some fields of the Diagnostic need attention.',
    Object.values(errors),
    errors,
  );
}

/**
 * Ok when the Diagnostic may be submitted or revised now: before Output Review (draft or
 * diagnostic submitted). Otherwise a `wrong_stage` refusal saying why it is frozen and what
 * would reopen it.
 */
export function checkDiagnosticEditable(
  engagement: { readonly slug: string; readonly stage: Stage },
  latest: DiagnosticVersion | undefined,
): Result<void> {
  if (DIAGNOSTIC_EDIT_STAGES.includes(engagement.stage)) return ok();
  const name = engagementLabel(engagement.slug);
  const what = latest ? `Diagnostic ${latest.ref} (v${latest.version})` : 'The Diagnostic';
  const stage = STAGE_LABELS[engagement.stage];
  if (engagement.stage === 'outputs_reviewed') {
    return refuse(
      'wrong_stage',
      `${what} of ${name} was confirmed in Output Review and is frozen. To change it, an executive sends it back to draft: \`/amos review ${engagement.slug} send-back <reason>\`.`,
    );
  }
  return refuse(
    'wrong_stage',
    `${name} is in *${stage}*: ${what.charAt(0).toLowerCase()}${what.slice(1)} is frozen and can no longer change.`,
  );
}

/** True when two Diagnostics say the same thing (a re-submitted form, not a revision). */
export function sameDiagnosticContent(a: DiagnosticContent, b: DiagnosticContent): boolean {
  const scores = (c: DiagnosticContent) =>
    JSON.stringify(Object.entries(c.scores).sort(([x], [y]) => x.localeCompare(y)));
  return (
    JSON.stringify(a.priorities) === JSON.stringify(b.priorities) &&
    scores(a) === scores(b) &&
    a.findings.trim() === b.findings.trim() &&
    a.recommendedScope.trim() === b.recommendedScope.trim()
  );
}
