import { FIT_CRITERIA, type FitAnswer, type FitCriterionKey } from './fit.js';

/**
 * How long an identical fit assessment by the same person counts as the same submission
 * (a double click on Submit, or Slack delivering the submission twice), not a new version.
 */
export const FIT_REPEAT_WINDOW_MS = 10 * 60_000;

type Answers = Readonly<Partial<Record<FitCriterionKey, FitAnswer>>>;

export interface PriorFitAssessment {
  readonly answers: Answers;
  readonly assessedBy: string;
  readonly assessedAt: Date;
}

/** True when both sets answer every criterion alike (same yes/no, same evidence once trimmed). */
export function sameFitAnswers(a: Answers, b: Answers): boolean {
  return FIT_CRITERIA.every(({ key }) => {
    const x = a[key];
    const y = b[key];
    if (!x || !y) return x === y;
    return x.holds === y.holds && x.evidence.trim() === y.evidence.trim();
  });
}

/**
 * True when `answers` by `assessorId` repeats the latest assessment within the repeat window
 * either side of `now`: the submission is a duplicate and must not become a new version or a
 * second record. A latest assessment stamped after `now` is a concurrent submission that took
 * the organisation's lock first (each change reads its time when it starts, before it waits for
 * that lock; and instances' clocks differ), so it counts as the same moment, not a new one.
 */
export function isRepeatedFitSubmission(
  latest: PriorFitAssessment | undefined,
  assessorId: string,
  answers: Answers,
  now: Date,
): boolean {
  if (!latest || latest.assessedBy !== assessorId) return false;
  const age = now.getTime() - latest.assessedAt.getTime();
  return Math.abs(age) <= FIT_REPEAT_WINDOW_MS && sameFitAnswers(latest.answers, answers);
}
