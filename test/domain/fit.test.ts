import { describe, expect, it } from 'vitest';
import {
  assessFit,
  FIT_CRITERIA,
  FIT_SIGNAL_KEYS,
  type FitAnswer,
  type FitCriterionKey,
  RED_FLAG_KEYS,
} from '../../src/domain/fit.js';

type Answers = Record<FitCriterionKey, FitAnswer>;

/** A partner that shows every signal and no red flag; override to vary. */
function answers(overrides: Partial<Answers> = {}): Answers {
  const all = {} as Answers;
  for (const key of FIT_SIGNAL_KEYS) all[key] = { holds: true, evidence: `Seen: ${key}` };
  for (const key of RED_FLAG_KEYS) all[key] = { holds: false, evidence: '' };
  return { ...all, ...overrides };
}

describe('fit criteria', () => {
  it('are the five signals and five red flags of the seed', () => {
    expect(FIT_CRITERIA.filter((c) => c.kind === 'signal').map((c) => c.label)).toEqual([
      'Execution Partner Role',
      'Operational Rigor',
      'Governed Delivery',
      'Diagnostic Direction',
      'Decision Boundaries',
    ]);
    expect(FIT_CRITERIA.filter((c) => c.kind === 'red_flag').map((c) => c.label)).toEqual([
      'Role Expansion',
      'System Influence',
      'Process Gaps',
      'Output Bypass',
      'Informal Models',
    ]);
    expect(FIT_CRITERIA.find((c) => c.key === 'decision_boundaries')?.description).toBe(
      'Respect that decision authority remains outside delivery teams.',
    );
  });
});

describe('assessFit', () => {
  it('fit when all five signals hold and no red flag', () => {
    expect(assessFit(answers())).toMatchObject({
      ok: true,
      value: { verdict: 'fit', redFlags: [], missingSignals: [] },
    });
  });

  it('not a fit when any red flag holds, even with every signal', () => {
    const result = assessFit(
      answers({ output_bypass: { holds: true, evidence: 'Rewrote DX scores' } }),
    );
    expect(result).toMatchObject({
      ok: true,
      value: { verdict: 'not_fit', redFlags: ['output_bypass'], missingSignals: [] },
    });
    expect(result.ok && result.value.summary).toContain('Output Bypass');
  });

  it('needs conversation when a signal is missing and no red flag holds', () => {
    const result = assessFit(answers({ operational_rigor: { holds: false, evidence: '' } }));
    expect(result).toMatchObject({
      ok: true,
      value: { verdict: 'needs_conversation', redFlags: [], missingSignals: ['operational_rigor'] },
    });
  });

  it('a red flag wins over missing signals', () => {
    const result = assessFit(
      answers({
        operational_rigor: { holds: false, evidence: '' },
        informal_models: { holds: true, evidence: 'Handshake deals' },
      }),
    );
    expect(result.ok && result.value.verdict).toBe('not_fit');
  });

  it('requires evidence for every criterion that holds, listing each field', () => {
    const result = assessFit(
      answers({
        governed_delivery: { holds: true, evidence: '   ' },
        process_gaps: { holds: true, evidence: '' },
      }),
    );
    expect(result).toMatchObject({ ok: false, refusal: { code: 'invalid_input' } });
    expect(!result.ok && Object.keys(result.refusal.fieldErrors ?? {})).toEqual([
      'governed_delivery',
      'process_gaps',
    ]);
    expect(!result.ok && result.refusal.details).toHaveLength(2);
  });

  it('requires an answer for every criterion', () => {
    const { role_expansion: _omitted, ...partial } = answers();
    const result = assessFit(partial);
    expect(!result.ok && result.refusal.fieldErrors).toEqual({
      role_expansion: 'Say whether Role Expansion holds.',
    });
  });
});
