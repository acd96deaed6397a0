import { describe, expect, it } from 'vitest';
import { CHARTER, charterPlainText } from '../../src/domain/charter.js';

describe('charter', () => {
  it('has the seed sections with 5, 5, 6 and 6 items', () => {
    expect(CHARTER.map((s) => [s.heading, s.items.length])).toEqual([
      ['Partners Do', 5],
      ['Partners Do Not', 5],
      ['Governance Expectations', 6],
      ['Core Risk Controls', 6],
    ]);
  });

  it('keeps the seed wording', () => {
    const text = charterPlainText();
    expect(text).toContain(
      '- Execute to Priorities: Execute against priorities set by the Diagnostic and system outputs.',
    );
    expect(text).toContain(
      '- Claim Ownership: Represent themselves as the system owner or decision authority.',
    );
    expect(text).toContain(
      '- Standards Alignment: Alignment with agreed-upon operating standards and tools.',
    );
    expect(text).toContain(
      '- Stop Authority: The ability to pause or terminate work if controls are breached.',
    );
  });
});
