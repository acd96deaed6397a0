import { describe, expect, it } from 'vitest';
import { checkPartnerOrgName, PARTNER_ORG_NAME_MAX } from '../../src/domain/partner-org.js';

describe('partner organisation names', () => {
  it('are trimmed with inner whitespace collapsed', () => {
    expect(checkPartnerOrgName('  Northwind   Agency ')).toEqual({
      ok: true,
      value: 'Northwind Agency',
    });
  });

  it('refuse empty, over-long and marked-up names with a reason', () => {
    const empty = checkPartnerOrgName('   ');
    expect(empty.ok || empty.refusal.code).toBe('invalid_input');
    expect(empty.ok || empty.refusal.message).toContain('/amos partner create');
    const long = checkPartnerOrgName('x'.repeat(PARTNER_ORG_NAME_MAX + 1));
    expect(long.ok || long.refusal.message).toContain(`at most ${PARTNER_ORG_NAME_MAX}`);
    expect(checkPartnerOrgName('x'.repeat(PARTNER_ORG_NAME_MAX)).ok).toBe(true);
    const mention = checkPartnerOrgName('Acme <@U123>');
    expect(mention.ok || mention.refusal.message).toContain('cannot contain mentions');
  });
});
