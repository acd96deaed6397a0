import { describe, expect, it } from 'vitest';
import { castVote, openApprovalRequest } from '../../src/domain/approvals.js';
import { unwrap } from '../../src/domain/errors.js';
import { checkExecutionRequirements } from '../../src/domain/gates.js';
import { transition } from '../../src/domain/lifecycle.js';
import type { Actor } from '../../src/domain/roles.js';
import { approvedRequest, exec1, exec2, exec3, facts, NOW, operator } from './fixtures.js';

describe('System Entry gate', () => {
  it('refuses to submit without a Diagnostic', () => {
    const result = transition(
      facts('draft', { diagnostic: undefined }),
      'submit_diagnostic',
      operator,
      {},
      NOW,
    );
    expect(result).toMatchObject({
      ok: false,
      refusal: { code: 'gate_not_met', details: ['A Diagnostic (`/amos diagnostic`).'] },
    });
  });
});

describe('Output Review gate', () => {
  it('refuses the executive who authored the Diagnostic', () => {
    const author: Actor = { userId: 'U_BOTH', roles: ['operator', 'executive'] };
    const engagement = facts('diagnostic_submitted', {
      diagnostic: { ref: 'DX-1', authorId: author.userId, version: 1 },
    });
    const result = transition(engagement, 'review_outputs', author, {}, NOW);
    expect(result).toMatchObject({ ok: false, refusal: { code: 'separation_of_duties' } });
    expect(!result.ok && result.refusal.message).toContain('DX-1');
    expect(transition(engagement, 'review_outputs', exec1, {}, NOW).ok).toBe(true);
  });

  it('lets the Diagnostic author send it back (not an approval)', () => {
    const author: Actor = { userId: 'U_BOTH', roles: ['operator', 'executive'] };
    const engagement = facts('diagnostic_submitted', {
      diagnostic: { ref: 'DX-1', authorId: author.userId, version: 1 },
    });
    expect(transition(engagement, 'send_back', author, { reason: 'Scores missing' }, NOW).ok).toBe(
      true,
    );
  });
});

describe('Execution Approval gate', () => {
  const approval = approvedRequest();

  it('lists every unmet condition at once, with refs', () => {
    const engagement = facts('outputs_reviewed', {
      scopeItems: [
        { ref: 'SC-1', title: 'ok', dueDate: '2025-04-30', criteria: ['x'] },
        { ref: 'SC-2', title: 'no criteria', dueDate: '2025-04-30', criteria: [] },
        { ref: 'SC-3', title: 'nothing', criteria: ['  '] },
        { ref: 'SC-4', title: 'bad date', dueDate: '2025-02-30', criteria: ['x'] },
      ],
      stages: [
        { ref: 'SR-1', name: 'Kickoff', dueDate: '2025-04-01' },
        { ref: 'SR-2', name: 'Launch', dueDate: undefined },
      ],
      escalationPath: { level1: [], level2: ['U_X'], level3: [] },
    });
    const result = transition(engagement, 'approve_execution', exec2, { approval }, NOW);
    expect(result).toEqual({
      ok: false,
      refusal: {
        code: 'gate_not_met',
        message:
          'Execution approval for ACME-Q3 needs an acceptance criterion on SC-2 and SC-3; a due date on SC-3; a valid due date (YYYY-MM-DD) on SC-4; a date on stage checkpoint SR-2 (Launch); someone on level 1 of the escalation path.',
        details: [
          'An acceptance criterion on SC-2 and SC-3.',
          'A due date on SC-3.',
          'A valid due date (YYYY-MM-DD) on SC-4.',
          'A date on stage checkpoint SR-2 (Launch).',
          'Someone on level 1 of the escalation path.',
        ],
      },
    });
  });

  it('needs requirements, a scope item and a stage checkpoint', () => {
    const engagement = facts('outputs_reviewed', {
      requirements: undefined,
      scopeItems: [],
      stages: [],
    });
    const result = checkExecutionRequirements(engagement);
    expect(!result.ok && result.refusal.details).toEqual([
      'Execution requirements (EX) defined.',
      'At least one scope item (SC).',
      'At least one stage checkpoint (SR).',
    ]);
  });

  it('passes when every condition holds', () => {
    expect(checkExecutionRequirements(facts('outputs_reviewed')).ok).toBe(true);
    expect(
      transition(facts('outputs_reviewed'), 'approve_execution', exec2, { approval }, NOW).ok,
    ).toBe(true);
  });

  it('refuses an approver who authored the requirements', () => {
    const author: Actor = { userId: 'U_BOTH', roles: ['operator', 'executive'] };
    const engagement = facts('outputs_reviewed', {
      requirements: { ref: 'EX-1', authorIds: [operator.userId, author.userId] },
    });
    const result = transition(engagement, 'approve_execution', author, { approval }, NOW);
    expect(result).toMatchObject({ ok: false, refusal: { code: 'separation_of_duties' } });
  });

  it('is taken only when the N-of-M tally has completed', () => {
    const engagement = facts('outputs_reviewed', { requiredApprovals: 2 });
    const open = unwrap(openApprovalRequest('EX-1', 2, [operator.userId]));
    const one = unwrap(castVote(open, exec1, 'approve', undefined, NOW)).request;
    expect(transition(engagement, 'approve_execution', exec1, {}, NOW)).toMatchObject({
      ok: false,
      refusal: { code: 'gate_not_met', details: ['An approval request for EX-1.'] },
    });
    const pending = transition(engagement, 'approve_execution', exec1, { approval: one }, NOW);
    expect(!pending.ok && pending.refusal.details).toEqual([
      'Approval of EX-1 by 2 executives who did not author it (1 so far).',
    ]);
    const two = unwrap(castVote(one, exec2, 'approve', undefined, NOW)).request;
    expect(transition(engagement, 'approve_execution', exec2, { approval: two }, NOW).ok).toBe(
      true,
    );
  });

  it('does not count a tally smaller than the engagement requires', () => {
    const engagement = facts('outputs_reviewed', { requiredApprovals: 2 });
    const result = transition(
      engagement,
      'approve_execution',
      exec3,
      { approval: approvedRequest([exec3], 1) },
      NOW,
    );
    expect(result).toMatchObject({ ok: false, refusal: { code: 'gate_not_met' } });
  });

  it('refuses a rejected request and an approval of another ref', () => {
    const open = unwrap(openApprovalRequest('EX-1', 1, [operator.userId]));
    const rejected = unwrap(castVote(open, exec1, 'reject', 'SC-2 unclear', NOW)).request;
    const engagement = facts('outputs_reviewed');
    const r1 = transition(engagement, 'approve_execution', exec2, { approval: rejected }, NOW);
    expect(!r1.ok && r1.refusal.details).toEqual([
      'A new approval request for EX-1 (it was rejected).',
    ]);
    const other = { ...approvedRequest(), ref: 'EX-2' };
    const r2 = transition(engagement, 'approve_execution', exec2, { approval: other }, NOW);
    expect(!r2.ok && r2.refusal.code).toBe('gate_not_met');
  });
});

describe('Partner Activation gate', () => {
  it('needs a partner organisation and a partner channel', () => {
    const engagement = facts('execution_approved', {
      partnerOrg: undefined,
      partnerChannelId: undefined,
    });
    const result = transition(engagement, 'activate', exec1, {}, NOW);
    expect(!result.ok && result.refusal.details).toEqual([
      'A partner organisation (`/amos partner assign acme-q3 <org>`).',
      'A partner channel.',
    ]);
  });

  for (const latestVerdict of ['not_fit', 'needs_conversation', undefined] as const) {
    it(`refuses a partner whose latest verdict is ${latestVerdict ?? 'missing'}`, () => {
      const engagement = facts('execution_approved', {
        partnerOrg: { id: 'org-1', name: 'Northwind Agency', latestVerdict },
      });
      const result = transition(engagement, 'activate', exec1, {}, NOW);
      expect(result).toMatchObject({ ok: false, refusal: { code: 'gate_not_met' } });
      expect(!result.ok && result.refusal.message).toContain('Northwind Agency');
    });
  }

  it('activates a fit partner with a channel', () => {
    expect(transition(facts('execution_approved'), 'activate', exec1, {}, NOW).ok).toBe(true);
  });
});
