import { describe, expect, it } from 'vitest';
import {
  APPROVAL_SUBJECT_RULES,
  APPROVAL_SUBJECTS,
  requiredApprovalsFor,
  subjectOfRef,
  voteOnSubject,
} from '../../src/domain/approval-subjects.js';
import { openApprovalRequest } from '../../src/domain/approvals.js';
import { unwrap } from '../../src/domain/errors.js';
import type { Actor } from '../../src/domain/roles.js';
import { exec1, exec2, NOW, partner } from './fixtures.js';

const active = { slug: 'acme-q3', stage: 'active' as const };
const raiser: Actor = { userId: 'U_RAISER', roles: ['operator', 'executive'] };
const cr = (n = 2) => unwrap(openApprovalRequest('CR-1', n, [raiser.userId]));
const sr = () => unwrap(openApprovalRequest('SR-3', 1, [partner.userId]));

describe('the approval subject registry', () => {
  it('has one row per subject with its ref kind and effects', () => {
    expect(APPROVAL_SUBJECTS.map((s) => APPROVAL_SUBJECT_RULES[s].refKind)).toEqual([
      'EX',
      'CR',
      'SR',
    ]);
    expect(APPROVAL_SUBJECT_RULES.change_request.onApproved).toBe('amend_scope');
    expect(APPROVAL_SUBJECT_RULES.stage_review.onApproved).toBe('pass_stage');
    expect(APPROVAL_SUBJECT_RULES.execution_requirements.onApproved).toBe('approve_execution');
    for (const s of APPROVAL_SUBJECTS) expect(APPROVAL_SUBJECT_RULES[s].onRejected).toBe('close');
  });

  it('maps refs to subjects and nothing else', () => {
    expect(subjectOfRef('cr-4')).toBe('change_request');
    expect(subjectOfRef('SR-1')).toBe('stage_review');
    expect(subjectOfRef('EX-2')).toBe('execution_requirements');
    expect(subjectOfRef('ST-1')).toBeNull();
    expect(subjectOfRef('SC-1')).toBeNull();
  });

  it('uses the engagement count unless the engagement sets one for the subject', () => {
    expect(requiredApprovalsFor('change_request', { requiredApprovals: 2 })).toBe(2);
    expect(
      requiredApprovalsFor('stage_review', {
        requiredApprovals: 2,
        subjectApprovals: { stage_review: 1 },
      }),
    ).toBe(1);
    expect(
      requiredApprovalsFor('change_request', {
        requiredApprovals: 3,
        subjectApprovals: { change_request: 0 },
      }),
    ).toBe(3);
  });
});

describe('voteOnSubject', () => {
  const vote = (over: Partial<Parameters<typeof voteOnSubject>[0]>) =>
    voteOnSubject({
      subject: 'change_request',
      request: cr(),
      engagement: active,
      actor: exec1,
      decision: 'approve',
      note: undefined,
      now: NOW,
      ...over,
    });

  it('approves a change request 2 of 2 and then says to amend the scope', () => {
    const first = unwrap(vote({}));
    expect(first).toMatchObject({ status: 'pending', effect: 'none' });
    const second = unwrap(vote({ request: first.request, actor: exec2 }));
    expect(second).toMatchObject({ status: 'approved', effect: 'amend_scope', completed: true });
    expect(second.record.details.subject).toBe('change_request');
  });

  it('refuses a partner (no decision rights) and the raiser whatever roles they hold', () => {
    const p = vote({ actor: partner });
    expect(p.ok ? null : p.refusal.code).toBe('forbidden_role');
    const r = vote({ actor: raiser });
    expect(r.ok ? null : r.refusal.code).toBe('separation_of_duties');
  });

  it('a rejection closes with nothing else to do, and needs a reason', () => {
    expect(unwrap(vote({ decision: 'reject', note: 'Out of budget' })).effect).toBe('close');
    const bare = vote({ decision: 'reject' });
    expect(bare.ok ? null : bare.refusal.code).toBe('invalid_input');
  });

  it('refuses a vote when the engagement stage does not allow the subject', () => {
    const out = vote({ engagement: { slug: 'acme-q3', stage: 'terminated' } });
    expect(out.ok ? null : out.refusal).toMatchObject({ code: 'wrong_stage' });
  });

  it('a stage review with a deliverable waiting needs the approver to say why', () => {
    const blocked = vote({ subject: 'stage_review', request: sr(), waitingDeliverables: ['DL-2'] });
    expect(blocked.ok ? null : blocked.refusal).toMatchObject({ code: 'conflict' });
    expect(blocked.ok ? '' : blocked.refusal.message).toContain('DL-2 waits for review');
    const passed = unwrap(
      vote({
        subject: 'stage_review',
        request: sr(),
        waitingDeliverables: ['DL-2'],
        note: 'Reviewed offline',
      }),
    );
    expect(passed).toMatchObject({
      effect: 'pass_stage',
      override: { waiting: ['DL-2'], reason: 'Reviewed offline' },
    });
    expect(passed.record.details).toMatchObject({ overrideReason: 'Reviewed offline' });
  });

  it('waiting deliverables do not block a change request, nor a request for changes', () => {
    expect(vote({ waitingDeliverables: ['DL-1'] }).ok).toBe(true);
    const changes = vote({
      subject: 'stage_review',
      request: sr(),
      waitingDeliverables: ['DL-2'],
      decision: 'reject',
      note: 'Redo the QA',
    });
    expect(changes.ok && changes.value.effect).toBe('close');
  });
});
