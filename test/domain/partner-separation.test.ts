import { describe, expect, it } from 'vitest';
import {
  checkMayBecomePartner,
  checkMayHoldStaffRole,
} from '../../src/domain/partner-separation.js';

const noStaff = { granted: [], bootstrapAdmin: false, installer: false } as const;
const notPartner = { orgNames: [], grantedPartner: false } as const;
const message = (result: { ok: boolean; refusal?: { message: string } }) =>
  result.ok ? '' : (result.refusal?.message ?? '');

describe('a staff role for a partner', () => {
  it('is refused to a member of a partner organisation, naming it and how to remove them', () => {
    for (const role of ['admin', 'executive', 'operator'] as const) {
      const result = checkMayHoldStaffRole('U1', role, {
        orgNames: ['Northwind Agency'],
        grantedPartner: false,
      });
      expect(result.ok).toBe(false);
      expect(result.ok ? undefined : result.refusal.code).toBe('conflict');
      expect(message(result)).toContain(
        '<@U1> is a member of Northwind Agency (a partner): decision rights stay outside delivery teams; remove them from the organisation first',
      );
      expect(message(result)).toContain('`/amos partner remove Northwind Agency <@U1>`');
    }
  });

  it('is refused to someone granted the partner role', () => {
    const result = checkMayHoldStaffRole('U1', 'executive', { orgNames: [], grantedPartner: true });
    expect(message(result)).toContain('`/amos role revoke <@U1> partner`');
  });

  it('is allowed to anyone else, and partner itself is not a staff role', () => {
    expect(checkMayHoldStaffRole('U1', 'executive', notPartner).ok).toBe(true);
    expect(
      checkMayHoldStaffRole('U1', 'partner', { orgNames: ['X'], grantedPartner: true }).ok,
    ).toBe(true);
  });
});

describe('becoming a partner', () => {
  const becoming = 'a member of Tailspin (a partner)';

  it('is refused to anyone holding admin, executive or operator, saying how to drop them', () => {
    const result = checkMayBecomePartner('U2', becoming, {
      granted: ['executive', 'operator'],
      bootstrapAdmin: false,
      installer: false,
    });
    expect(message(result)).toBe(
      "<@U2> is an executive and an operator in AMOS, so they can't become a member of Tailspin (a partner): partners approve nothing and decision rights stay outside delivery teams. To change that, revoke those roles (`/amos role revoke <@U2> executive`) first.",
    );
  });

  it('is refused to a bootstrap admin and to the installer, who cannot stop being admin here', () => {
    const bootstrap = checkMayBecomePartner('U3', becoming, { ...noStaff, bootstrapAdmin: true });
    expect(message(bootstrap)).toContain('<@U3> is an admin in AMOS');
    expect(message(bootstrap)).toContain('remove them from the AMOS_ADMINS setting first');
    const installer = checkMayBecomePartner('U4', becoming, { ...noStaff, installer: true });
    expect(message(installer)).toContain('Whoever installed AMOS in this workspace stays an admin');
  });

  it('is allowed to someone with no staff role (a granted partner role does not count)', () => {
    expect(checkMayBecomePartner('U5', becoming, noStaff).ok).toBe(true);
    expect(checkMayBecomePartner('U5', becoming, { ...noStaff, granted: ['partner'] }).ok).toBe(
      true,
    );
  });
});
