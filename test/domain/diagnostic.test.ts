import { describe, expect, it } from 'vitest';
import {
  checkDiagnosticContent,
  checkDiagnosticEditable,
  type DiagnosticContent,
  sameDiagnosticContent,
} from '../../src/domain/diagnostic.js';
import type { Stage } from '../../src/domain/engagement.js';

const content = (overrides: Partial<DiagnosticContent> = {}): DiagnosticContent => ({
  priorities: ['Retention', 'Activation'],
  scores: { retention: 42, activation: 61 },
  findings: 'Churn concentrates in month two.',
  recommendedScope: 'Lifecycle email program',
  ...overrides,
});

const errorsOf = (c: DiagnosticContent) => {
  const result = checkDiagnosticContent(c);
  return result.ok ? {} : (result.refusal.fieldErrors ?? {});
};

describe('checkDiagnosticContent', () => {
  it('accepts a complete Diagnostic, with 0 and 100 as valid scores', () => {
    expect(errorsOf(content({ scores: { reach: 0, depth: 100 } }))).toEqual({});
  });

  it('refuses a score above 100 naming the dimension', () => {
    expect(errorsOf(content({ scores: { retention: 140 } })).scores).toBe(
      '`retention: 140`: scores are whole numbers from 0 to 100.',
    );
  });

  it.each([-1, 101, 4.5, Number.NaN])('refuses the score %s', (score) => {
    expect(errorsOf(content({ scores: { reach: score } })).scores).toBeDefined();
  });

  it('needs a priority, a score, findings and a recommended scope', () => {
    expect(
      Object.keys(
        errorsOf({ priorities: [' '], scores: {}, findings: '', recommendedScope: ' ' }),
      ).sort(),
    ).toEqual(['findings', 'priorities', 'recommendedScope', 'scores']);
  });
});

describe('checkDiagnosticEditable', () => {
  const latest = { ref: 'DX-1', version: 2, authorId: 'U_OPER', frozenAt: null };
  const at = (stage: Stage) => checkDiagnosticEditable({ slug: 'acme-q3', stage }, latest);

  it('allows edits before Output Review', () => {
    expect(at('draft').ok).toBe(true);
    expect(at('diagnostic_submitted').ok).toBe(true);
    expect(checkDiagnosticEditable({ slug: 'acme-q3', stage: 'draft' }, undefined).ok).toBe(true);
  });

  it('refuses after review, saying how to reopen it', () => {
    const result = at('outputs_reviewed');
    expect(result).toMatchObject({ ok: false, refusal: { code: 'wrong_stage' } });
    expect(result.ok ? '' : result.refusal.message).toContain(
      'Diagnostic DX-1 (v2) of ACME-Q3 was confirmed in Output Review and is frozen',
    );
    expect(result.ok ? '' : result.refusal.message).toContain('/amos review acme-q3 send-back');
  });

  it.each(['execution_approved', 'active', 'paused', 'completed', 'terminated'] as const)(
    'refuses in %s',
    (stage) => {
      const result = at(stage);
      expect(result.ok ? '' : result.refusal.message).toContain(
        'is frozen and can no longer change',
      );
    },
  );
});

describe('sameDiagnosticContent', () => {
  it('ignores score order and surrounding spaces, not rank order', () => {
    expect(
      sameDiagnosticContent(
        content(),
        content({
          scores: { activation: 61, retention: 42 },
          findings: ' Churn concentrates in month two. ',
        }),
      ),
    ).toBe(true);
    expect(
      sameDiagnosticContent(content(), content({ priorities: ['Activation', 'Retention'] })),
    ).toBe(false);
  });
});
