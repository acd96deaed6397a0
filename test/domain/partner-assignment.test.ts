import { describe, expect, it } from 'vitest';
import { STAGES } from '../../src/domain/engagement.js';
import {
  checkPartnerAssignment,
  PARTNER_ASSIGNABLE_STAGES,
} from '../../src/domain/partner-assignment.js';
import type { Actor } from '../../src/domain/roles.js';

const operator: Actor = { userId: 'U0OPER', roles: ['operator'] };
const otherOperator: Actor = { userId: 'U0OTHER', roles: ['operator'] };
const executive: Actor = { userId: 'U0EXEC', roles: ['executive'] };
const admin: Actor = { userId: 'U0ADMIN', roles: ['admin'] };
const partner: Actor = { userId: 'U0PART', roles: ['partner'] };
const target = { slug: 'acme-q3', stage: 'draft' as const, operatorId: 'U0OPER' };

describe('checkPartnerAssignment', () => {
  it("lets the engagement's operator, an executive or an admin set it", () => {
    for (const actor of [operator, executive, admin]) {
      expect(checkPartnerAssignment(actor, target).ok).toBe(true);
    }
  });

  it('refuses another operator and a partner, naming who may', () => {
    for (const actor of [otherOperator, partner]) {
      const result = checkPartnerAssignment(actor, target);
      expect(!result.ok && result.refusal.code).toBe('forbidden_role');
      expect(!result.ok && result.refusal.message).toContain(
        'Only the operator of ACME-Q3, or an executive or admin, may set its partner organisation',
      );
    }
  });

  it('allows every stage before activation and none after', () => {
    for (const stage of STAGES) {
      const result = checkPartnerAssignment(executive, { ...target, stage });
      const before = PARTNER_ASSIGNABLE_STAGES.includes(stage);
      expect(result.ok).toBe(before);
      if (!result.ok) {
        expect(result.refusal.code).toBe('wrong_stage');
        expect(result.refusal.message).toContain('can only be set before activation');
      }
    }
    expect(PARTNER_ASSIGNABLE_STAGES).toEqual([
      'draft',
      'diagnostic_submitted',
      'outputs_reviewed',
      'execution_approved',
    ]);
  });
});
