import { describe, expect, it } from 'vitest';
import { checkMessage, checkView } from '../../src/sandbox/block-kit-limits.js';
import type { ApprovalView } from '../../src/services/approval-view-service.js';
import type { ScopeOverview } from '../../src/services/scope-service.js';
import { approvalMessage, requesterNotice, tallyLine } from '../../src/slack/blocks/approval.js';
import { rejectModal, waitingList } from '../../src/slack/blocks/approval-replies.js';
import { calendarDate, slackDate } from '../../src/slack/blocks/dates.js';
import { scopeItemModal, scopeOverview, stageModal } from '../../src/slack/blocks/scope.js';
import { APPROVAL } from '../../src/slack/ids.js';

const long = (n: number) => 'x'.repeat(n);
const AT = new Date('2026-11-25T13:00:00Z');

function view(o: Partial<ApprovalView> = {}, items = 2): ApprovalView {
  return {
    teamId: 'T1',
    id: '11111111-2222-3333-4444-555555555555',
    ref: 'EX-1',
    subject: 'execution_requirements',
    status: 'pending',
    requiredApprovals: 2,
    requesterIds: ['U0OPER'],
    requestedBy: 'U0OPER',
    requestedAt: AT,
    decidedAt: null,
    votes: [],
    approverIds: [],
    engagement: {
      id: 'e1',
      slug: 'acme-q3',
      label: 'ACME-Q3',
      name: 'Acme Q3 lifecycle',
      client: 'Acme',
      stage: 'outputs_reviewed',
      sponsorIds: ['U0ERIN', 'U0FRANK'],
      escalationLevel1: ['U0ERIN'],
    },
    scopeItems: Array.from({ length: items }, (_, i) => ({
      ref: `SC-${i + 1}`,
      title: items > 5 ? long(150) : `Item ${i + 1}`,
      dueDate: '2026-12-15',
      criteria: items > 5 ? Array.from({ length: 20 }, () => long(300)) : ['Open rate above 35%'],
    })),
    stages: Array.from({ length: items > 5 ? 40 : 1 }, (_, i) => ({
      ref: `SR-${i + 1}`,
      name: items > 5 ? long(150) : 'Mid-point review',
      dueDate: '2026-12-01',
    })),
    copies: [],
    ...o,
  };
}

describe('dates', () => {
  it('renders moments as viewer-neutral tokens and due dates as calendar days', () => {
    expect(slackDate(AT)).toBe(
      '<!date^1795611600^{date_short_pretty} at {time}|2026-11-25 13:00 UTC>',
    );
    expect(calendarDate('2026-12-05')).toBe('5 Dec 2026');
    expect(calendarDate(null)).toBe('no date');
  });
});

describe('approval request copies', () => {
  it('stay within Block Kit limits with the largest requirements', () => {
    const big = view({}, 40);
    expect(checkMessage(approvalMessage(big, 'U0ERIN'))).toEqual([]);
    const many = Array.from({ length: 30 }, (_, i) => ({
      ...big,
      id: `11111111-2222-3333-4444-${String(i).padStart(12, '0')}`,
    }));
    expect(checkMessage(waitingList({ views: many, total: 600 }, { notice: long(4000) }))).toEqual(
      [],
    );
    expect(checkView(rejectModal(big, '{}'))).toEqual([]);
    expect(checkMessage(requesterNotice({ ...big, status: 'rejected' }))).toEqual([]);
  });

  it('give buttons only to those who may still vote', () => {
    const voted = view({
      votes: [{ userId: 'U0ERIN', decision: 'approve', at: AT }],
      approverIds: ['U0ERIN'],
    });
    const blocks = (recipient: string) => JSON.stringify(approvalMessage(voted, recipient).blocks);
    expect(blocks('U0FRANK')).toContain(APPROVAL.approveAction);
    expect(blocks('U0ERIN')).not.toContain(APPROVAL.approveAction);
    expect(blocks('U0ERIN')).toContain('You approved');
    expect(blocks('U0OPER')).not.toContain(APPROVAL.approveAction);
    expect(tallyLine(voted)).toBe(`1 of 2 approvals: <@U0ERIN> (${slackDate(AT)})`);
  });

  it('show who decided, when and why once decided, without buttons', () => {
    const rejected = view({
      status: 'rejected',
      votes: [{ userId: 'U0FRANK', decision: 'reject', note: 'Dates too tight', at: AT }],
    });
    const text = JSON.stringify(approvalMessage(rejected, 'U0ERIN').blocks);
    expect(text).toContain(`*Rejected* by <@U0FRANK> (${slackDate(AT)}): Dates too tight`);
    expect(text).not.toContain(APPROVAL.approveAction);
  });
});

describe('scope overview and modals', () => {
  const overview = (o: Partial<ScopeOverview> = {}): ScopeOverview => ({
    engagement: {
      id: 'e1',
      slug: 'acme-q3',
      name: 'Acme',
      client: 'Acme',
      stage: 'outputs_reviewed',
    },
    scopeItems: view({}, 40).scopeItems,
    stages: view({}, 40).stages,
    lockedReason: null,
    gaps: [],
    latestRequest: null,
    ...o,
  });

  it('stay within Block Kit limits', () => {
    expect(checkMessage(scopeOverview(overview(), long(4000)))).toEqual([]);
    expect(checkView(scopeItemModal({ slug: 'acme-q3', responseUrl: long(1500) }))).toEqual([]);
    expect(checkView(stageModal({ slug: 'acme-q3' }))).toEqual([]);
  });

  it('offers the buttons only while the requirements can change', () => {
    const open = JSON.stringify(scopeOverview(overview()).blocks);
    expect(open).toContain('Submit for approval');
    const locked = JSON.stringify(
      scopeOverview(overview({ lockedReason: 'EX-1 is waiting for approval' })).blocks,
    );
    expect(locked).not.toContain('Submit for approval');
    expect(locked).toContain('EX-1 is waiting for approval');
  });
});
