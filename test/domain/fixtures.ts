import { type ApprovalRequest, castVote, openApprovalRequest } from '../../src/domain/approvals.js';
import type { EngagementFacts, Stage } from '../../src/domain/engagement.js';
import { unwrap } from '../../src/domain/errors.js';
import type { Actor } from '../../src/domain/roles.js';

export const NOW = new Date('2025-03-14T10:00:00.000Z');

export const operator: Actor = { userId: 'U_OPERATOR', roles: ['operator'] };
export const exec1: Actor = { userId: 'U_EXEC1', roles: ['executive'] };
export const exec2: Actor = { userId: 'U_EXEC2', roles: ['executive'] };
export const exec3: Actor = { userId: 'U_EXEC3', roles: ['executive'] };
export const admin: Actor = { userId: 'U_ADMIN', roles: ['admin'] };
export const partner: Actor = { userId: 'U_PARTNER', roles: ['partner'] };
export const nobody: Actor = { userId: 'U_NOBODY', roles: [] };

/** An engagement that meets every gate; override what a test needs to break. */
export function facts(stage: Stage, overrides: Partial<EngagementFacts> = {}): EngagementFacts {
  return {
    slug: 'acme-q3',
    stage,
    requiredApprovals: 1,
    diagnostic: { ref: 'DX-1', authorId: operator.userId, version: 2 },
    requirements: { ref: 'EX-1', authorIds: [operator.userId] },
    scopeItems: [
      { ref: 'SC-1', title: 'Landing pages', dueDate: '2025-04-30', criteria: ['Load < 2s'] },
      { ref: 'SC-2', title: 'Email flows', dueDate: '2025-05-15', criteria: ['QA signed off'] },
    ],
    stages: [{ ref: 'SR-1', name: 'Launch review', dueDate: '2025-05-01' }],
    escalationPath: { level1: [exec1.userId], level2: [exec2.userId], level3: [] },
    partnerOrg: { id: 'org-1', name: 'Northwind Agency', latestVerdict: 'fit' },
    partnerChannelId: 'C_PARTNER',
    ...overrides,
  };
}

/** EX-1 approved by `approvers`, requested by the operator. */
export function approvedRequest(
  approvers: readonly Actor[] = [exec2],
  required = approvers.length,
): ApprovalRequest {
  let request = unwrap(openApprovalRequest('EX-1', required, [operator.userId]));
  for (const approver of approvers) {
    request = unwrap(castVote(request, approver, 'approve', undefined, NOW)).request;
  }
  return request;
}
