import { describe, expect, it } from 'vitest';
import { cleanTypedText } from '../../src/domain/text.js';
import { esc } from '../../src/slack/blocks/text.js';
import { decodeSlackEntities, typedText } from '../../src/slack/inputs/text.js';

describe('typed text, cleaned at the boundary', () => {
  it('drops NUL, other control characters and invisible bidi overrides', () => {
    expect(cleanTypedText('Nul\0Org')).toBe('NulOrg');
    expect(cleanTypedText('ok\0nul \u0007bell \u001b[31mred')).toBe('oknul bell [31mred');
    expect(cleanTypedText('\u202eevil\u202c \u2066x\u2069 \ufeffbom \u0085c1')).toBe(
      'evil x bom c1',
    );
    expect(cleanTypedText('lone \ud800 surrogate')).toBe('lone surrogate');
  });

  it('keeps emoji sequences and normalises to NFC', () => {
    expect(cleanTypedText('👩‍💻 team')).toBe('👩‍💻 team');
    expect(cleanTypedText('Cafe\u0301')).toBe('Café');
    expect(cleanTypedText('Cafe\u0301')).toHaveLength(4);
  });

  it('folds a single line, keeps lines and tabs in a multi-line field', () => {
    expect(cleanTypedText('  two\r\nlines\tand tab  ')).toBe('two lines and tab');
    expect(cleanTypedText('  first  \r\n\tsecond\0\rthird \n', 'lines')).toBe(
      'first\n\tsecond\nthird',
    );
  });

  it('holds a field to its limit with a message naming it', () => {
    expect(typedText('line', 5).safeParse('12345\0').data).toBe('12345');
    const long = typedText('line', 5).safeParse('123456');
    expect(long.success).toBe(false);
    expect(long.error?.issues[0]?.message).toBe('At most 5 characters, please.');
    expect(typedText('lines').parse(undefined)).toBe('');
  });
});

describe('Slack text escaping', () => {
  it('escapes &, < and > once, so typed entities stay visible as typed', () => {
    expect(esc('<!channel> & <@U1> &lt;')).toBe('&lt;!channel&gt; &amp; &lt;@U1&gt; &amp;lt;');
    expect(esc('*bold* _it_')).toBe('*bold* _it_');
  });

  it('reads command text as typed: Slack sends typed &, < and > as entities', () => {
    expect(decodeSlackEntities('R&amp;D &lt;b&gt; &amp;lt;')).toBe('R&D <b> &lt;');
  });
});

describe('length limits named in the modal are enforced by the parser and the rules', () => {
  it('refuses an over-long Diagnostic field inline, naming the limit', async () => {
    const { parseDiagnostic } = await import('../../src/slack/inputs/diagnostic.js');
    const { DIAGNOSTIC_FORM } = await import('../../src/slack/ids.js');
    const B = DIAGNOSTIC_FORM.blocks;
    const field = (value: string) => ({ value: { type: 'plain_text_input', value } });
    const parsed = parseDiagnostic({
      [B.priorities]: field('Retention'),
      [B.scores]: field('retention: 42'),
      [B.findings]: field(`${'x'.repeat(3001)}\0`),
      [B.recommendedScope]: field('Lifecycle'),
    });
    expect(parsed).toEqual({
      ok: false,
      errors: { [B.findings]: 'At most 3000 characters, please (this has 3001).' },
    });
  });

  it('refuses over-long fit evidence on its criterion', async () => {
    const { assessFit, FIT_CRITERIA, FIT_EVIDENCE_MAX } = await import('../../src/domain/fit.js');
    const answers = Object.fromEntries(
      FIT_CRITERIA.map((c) => [c.key, { holds: true, evidence: 'x'.repeat(FIT_EVIDENCE_MAX + 1) }]),
    );
    const result = assessFit(answers);
    expect(result.ok).toBe(false);
    const first = FIT_CRITERIA[0]?.key ?? '';
    expect(result.ok ? {} : result.refusal.fieldErrors).toMatchObject({
      [first]: `At most ${FIT_EVIDENCE_MAX} characters, please (this has ${FIT_EVIDENCE_MAX + 1}).`,
    });
  });
});
