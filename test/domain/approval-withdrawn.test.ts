import { describe, expect, it } from 'vitest';
import { type ApprovalRequest, castVote, openApprovalRequest } from '../../src/domain/approvals.js';
import { unwrap } from '../../src/domain/errors.js';
import { exec1, NOW, operator } from './fixtures.js';

describe('a withdrawn approval request', () => {
  it('takes no vote: approve and reject are refused as already decided', () => {
    const open = unwrap(openApprovalRequest('EX-1', 1, [operator.userId]));
    const withdrawn: ApprovalRequest = { ...open, status: 'withdrawn' };
    for (const decision of ['approve', 'reject'] as const) {
      const result = castVote(withdrawn, exec1, decision, 'a reason', NOW);
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.refusal.code).toBe('already_decided');
      expect(result.refusal.message).toBe(
        "EX-1 was already withdrawn; it can't be voted on any more.",
      );
    }
  });
});
