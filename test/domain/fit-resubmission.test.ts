import { describe, expect, it } from 'vitest';
import {
  FIT_SIGNAL_KEYS,
  type FitAnswer,
  type FitCriterionKey,
  RED_FLAG_KEYS,
} from '../../src/domain/fit.js';
import {
  FIT_REPEAT_WINDOW_MS,
  isRepeatedFitSubmission,
  sameFitAnswers,
} from '../../src/domain/fit-resubmission.js';
import { NOW } from './fixtures.js';

type Answers = Record<FitCriterionKey, FitAnswer>;

function answers(overrides: Partial<Answers> = {}): Answers {
  const all = {} as Answers;
  for (const key of FIT_SIGNAL_KEYS) all[key] = { holds: true, evidence: `Seen: ${key}` };
  for (const key of RED_FLAG_KEYS) all[key] = { holds: false, evidence: '' };
  return { ...all, ...overrides };
}

const latest = (at: Date, by = 'U_EXEC1', a: Answers = answers()) => ({
  answers: a,
  assessedBy: by,
  assessedAt: at,
});

describe('repeated fit submissions', () => {
  it('treats the same answers (evidence trimmed) as the same', () => {
    const padded = answers({
      operational_rigor: { holds: true, evidence: '  Seen: operational_rigor ' },
    });
    expect(sameFitAnswers(answers(), padded)).toBe(true);
    expect(
      sameFitAnswers(answers(), answers({ process_gaps: { holds: true, evidence: 'No QA' } })),
    ).toBe(false);
    expect(sameFitAnswers(answers(), { ...answers(), output_bypass: undefined } as never)).toBe(
      false,
    );
  });

  it('is a repeat only for the same assessor, same answers, inside the window', () => {
    const justNow = new Date(NOW.getTime() - 2_000);
    expect(isRepeatedFitSubmission(latest(justNow), 'U_EXEC1', answers(), NOW)).toBe(true);
    expect(isRepeatedFitSubmission(undefined, 'U_EXEC1', answers(), NOW)).toBe(false);
    expect(isRepeatedFitSubmission(latest(justNow), 'U_EXEC2', answers(), NOW)).toBe(false);
    const changed = answers({ informal_models: { holds: true, evidence: 'Handshake deals' } });
    expect(isRepeatedFitSubmission(latest(justNow), 'U_EXEC1', changed, NOW)).toBe(false);
    const longAgo = new Date(NOW.getTime() - FIT_REPEAT_WINDOW_MS - 1);
    expect(isRepeatedFitSubmission(latest(longAgo), 'U_EXEC1', answers(), NOW)).toBe(false);
    const edge = new Date(NOW.getTime() - FIT_REPEAT_WINDOW_MS);
    expect(isRepeatedFitSubmission(latest(edge), 'U_EXEC1', answers(), NOW)).toBe(true);
  });

  it('is a repeat when the latest is stamped after now (a concurrent submission locked first)', () => {
    const later = new Date(NOW.getTime() + 1_000);
    expect(isRepeatedFitSubmission(latest(later), 'U_EXEC1', answers(), NOW)).toBe(true);
    expect(isRepeatedFitSubmission(latest(later), 'U_EXEC2', answers(), NOW)).toBe(false);
    const farAhead = new Date(NOW.getTime() + FIT_REPEAT_WINDOW_MS + 1);
    expect(isRepeatedFitSubmission(latest(farAhead), 'U_EXEC1', answers(), NOW)).toBe(false);
  });
});
