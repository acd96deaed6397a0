import { describe, expect, it } from 'vitest';
import { approverIds, castVote, openApprovalRequest } from '../../src/domain/approvals.js';
import { unwrap } from '../../src/domain/errors.js';
import { admin, exec1, exec2, exec3, NOW, operator, partner } from './fixtures.js';

const LATER = new Date(NOW.getTime() + 60_000);
const twoOfThree = () => unwrap(openApprovalRequest('EX-1', 2, [operator.userId, 'U_REQUESTER']));

describe('N-of-M approvals (2 of 3)', () => {
  it('is pending after one approval and approved after two', () => {
    const first = unwrap(castVote(twoOfThree(), exec1, 'approve', 'Looks right', NOW));
    expect(first).toMatchObject({
      completed: false,
      status: 'pending',
      record: { kind: 'approval.vote_cast' },
    });
    const second = unwrap(castVote(first.request, exec2, 'approve', undefined, LATER));
    expect(second).toMatchObject({
      completed: true,
      status: 'approved',
      record: { kind: 'approval.approved' },
    });
    expect(approverIds(second.request)).toEqual([exec1.userId, exec2.userId]);
    expect(second.request.votes[0]).toEqual({
      userId: exec1.userId,
      decision: 'approve',
      note: 'Looks right',
      at: NOW,
    });
  });

  it('does not change the request it was given', () => {
    const request = twoOfThree();
    unwrap(castVote(request, exec1, 'approve', undefined, NOW));
    expect(request.votes).toEqual([]);
    expect(request.status).toBe('pending');
  });

  it('admins vote like executives', () => {
    expect(castVote(twoOfThree(), admin, 'approve', undefined, NOW).ok).toBe(true);
  });

  it('refuses operators and partners', () => {
    expect(castVote(twoOfThree(), operator, 'approve', undefined, NOW)).toMatchObject({
      ok: false,
      refusal: { code: 'forbidden_role' },
    });
    expect(castVote(twoOfThree(), partner, 'approve', undefined, NOW)).toMatchObject({
      ok: false,
      refusal: { code: 'forbidden_role' },
    });
  });

  it('refuses self-approval by a requester or author', () => {
    const request = unwrap(openApprovalRequest('CR-1', 1, [exec3.userId]));
    expect(castVote(request, exec3, 'approve', undefined, NOW)).toMatchObject({
      ok: false,
      refusal: { code: 'separation_of_duties' },
    });
  });

  it('refuses a second vote by the same person', () => {
    const once = unwrap(castVote(twoOfThree(), exec1, 'approve', undefined, NOW)).request;
    expect(castVote(once, exec1, 'approve', undefined, LATER)).toMatchObject({
      ok: false,
      refusal: { code: 'already_voted' },
    });
    expect(castVote(once, exec1, 'reject', 'changed my mind', LATER)).toMatchObject({
      ok: false,
      refusal: { code: 'already_voted' },
    });
  });

  it('one reject rejects at once, and needs a reason', () => {
    const once = unwrap(castVote(twoOfThree(), exec1, 'approve', undefined, NOW)).request;
    expect(castVote(once, exec2, 'reject', '  ', LATER)).toMatchObject({
      ok: false,
      refusal: { code: 'invalid_input', fieldErrors: { reason: expect.any(String) } },
    });
    const rejected = unwrap(castVote(once, exec2, 'reject', 'SC-2 has no owner', LATER));
    expect(rejected).toMatchObject({
      completed: true,
      status: 'rejected',
      record: { kind: 'approval.rejected', summary: 'EX-1 rejected: SC-2 has no owner' },
    });
  });

  it('accepts nothing after a decision', () => {
    const open = unwrap(openApprovalRequest('EX-1', 1, [operator.userId]));
    const approved = unwrap(castVote(open, exec1, 'approve', undefined, NOW)).request;
    expect(approved.status).toBe('approved');
    expect(castVote(approved, exec2, 'approve', undefined, LATER)).toMatchObject({
      ok: false,
      refusal: { code: 'already_decided' },
    });
  });

  it('refuses a required count below 1 or fractional', () => {
    expect(openApprovalRequest('EX-1', 0, []).ok).toBe(false);
    expect(openApprovalRequest('EX-1', 1.5, []).ok).toBe(false);
  });
});
