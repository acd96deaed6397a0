import { describe, expect, it } from 'vitest';
import {
  type Actor,
  authorize,
  CAPABILITIES,
  type Capability,
  checkSeparationOfDuties,
  DECISION_RIGHTS,
  ROLES,
  type Role,
} from '../../src/domain/roles.js';
import { admin, exec1, nobody, operator, partner } from './fixtures.js';

describe('decision rights', () => {
  it('admin holds every right an executive holds', () => {
    for (const capability of CAPABILITIES) {
      if (DECISION_RIGHTS[capability].includes('executive')) {
        expect(DECISION_RIGHTS[capability], capability).toContain('admin');
      }
    }
  });

  it('only admins grant roles and manage partners', () => {
    expect(DECISION_RIGHTS.grant_roles).toEqual(['admin']);
    expect(DECISION_RIGHTS.manage_partners).toEqual(['admin']);
  });

  it('partners approve, review and define nothing', () => {
    const forbidden: Capability[] = [
      'approve',
      'review_outputs',
      'submit_diagnostic',
      'define_requirements',
      'assess_fit',
      'activate',
      'pause',
      'terminate',
      'review_deliverables',
    ];
    for (const capability of forbidden) {
      expect(authorize(partner, capability).ok, capability).toBe(false);
    }
    expect(authorize(partner, 'partner_act').ok).toBe(true);
    expect(authorize(partner, 'raise_risk').ok).toBe(true);
  });

  it('operators run AMOS but do not approve', () => {
    expect(authorize(operator, 'create_engagement').ok).toBe(true);
    expect(authorize(operator, 'define_requirements').ok).toBe(true);
    expect(authorize(operator, 'approve').ok).toBe(false);
  });

  it('every capability is held by at least one role', () => {
    for (const capability of CAPABILITIES) {
      expect(DECISION_RIGHTS[capability].length, capability).toBeGreaterThan(0);
      for (const role of DECISION_RIGHTS[capability]) expect(ROLES).toContain(role);
    }
  });
});

describe('authorize', () => {
  it('tells a user without a role who can grant one', () => {
    const result = authorize(nobody, 'view_engagement', ['<@U_A>', '<@U_B>']);
    expect(result).toEqual({
      ok: false,
      refusal: {
        code: 'no_role',
        message:
          "You don't have an AMOS role in this workspace yet. Ask an AMOS admin (<@U_A> or <@U_B>) to grant one with `/amos role grant @you <role>`.",
      },
    });
  });

  it('names the roles that may do it', () => {
    const result = authorize(operator, 'pause');
    expect(result).toMatchObject({ ok: false, refusal: { code: 'forbidden_role' } });
    expect(!result.ok && result.refusal.message).toBe(
      'Only an executive or admin may pause engagements; your AMOS role is operator.',
    );
  });

  it('any one role suffices', () => {
    const both: Actor = { userId: 'U', roles: ['partner', 'executive'] as Role[] };
    expect(authorize(both, 'approve').ok).toBe(true);
    expect(authorize(admin, 'grant_roles').ok).toBe(true);
    expect(authorize(exec1, 'grant_roles').ok).toBe(false);
  });
});

describe('checkSeparationOfDuties', () => {
  it('refuses an author and lets anyone else through', () => {
    const refused = checkSeparationOfDuties(
      exec1,
      ['U_OTHER', exec1.userId],
      'change request CR-2',
    );
    expect(refused).toMatchObject({ ok: false, refusal: { code: 'separation_of_duties' } });
    expect(!refused.ok && refused.refusal.message).toContain('change request CR-2');
    expect(checkSeparationOfDuties(exec1, ['U_OTHER'], 'CR-2').ok).toBe(true);
    expect(checkSeparationOfDuties(exec1, [], 'CR-2').ok).toBe(true);
  });
});
