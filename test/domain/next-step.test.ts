import { describe, expect, it } from 'vitest';
import type { EngagementFacts } from '../../src/domain/engagement.js';
import { describeNextStep } from '../../src/domain/next-step.js';
import { exec1, facts, operator } from './fixtures.js';

type Requirements = NonNullable<EngagementFacts['requirements']>;
const at = (requirements: Requirements | undefined, requiredApprovals = 2) =>
  describeNextStep(facts('outputs_reviewed', { requirements, requiredApprovals }));
const authored = { authorIds: [operator.userId] };

describe('describeNextStep at the Execution Approval gate', () => {
  it('incomplete requirements: the operator completes them with /amos scope <slug>', () => {
    const step = describeNextStep(facts('outputs_reviewed', { scopeItems: [], stages: [] }));
    expect(step.whoMustAct).toEqual(['operator']);
    expect(step.blockers).toEqual([
      'at least one scope item (SC)',
      'at least one stage checkpoint (SR)',
    ]);
    expect(step.next).toContain('`/amos scope acme-q3`');
  });

  it('complete but never submitted: the operator submits, it is a blocker', () => {
    const step = at(authored);
    expect(step.whoMustAct).toEqual(['operator']);
    expect(step.blockers).toEqual(['the execution requirements submitted for approval']);
    expect(step.next).toBe(
      'An operator submits the execution requirements for approval (`/amos scope acme-q3 submit`).',
    );
    expect(step.next).not.toContain('/amos approve');
  });

  it('complete, no requirements row at all: the operator submits', () => {
    expect(at(undefined).whoMustAct).toEqual(['operator']);
    expect(at(undefined).next).toContain('`/amos scope acme-q3 submit`');
  });

  it('after a rejection: the operator resubmits, naming the rejected EX-n', () => {
    const step = at({ ...authored, ref: 'EX-2', status: 'rejected', voterIds: [exec1.userId] });
    expect(step.whoMustAct).toEqual(['operator']);
    expect(step.next).toContain('EX-2 was rejected');
    expect(step.next).toContain('`/amos scope acme-q3 submit`');
    expect(step.next).not.toContain('/amos approve');
  });

  it('after a withdrawal: the operator resubmits, naming the withdrawn EX-n', () => {
    const step = at({ ...authored, ref: 'EX-1', status: 'withdrawn', voterIds: [] });
    expect(step.whoMustAct).toEqual(['operator']);
    expect(step.next).toContain('EX-1 was withdrawn');
    expect(step.next).toContain('`/amos scope acme-q3 submit`');
  });

  it('pending with no vote: executives approve with the slug and the ref', () => {
    const step = at({ ...authored, ref: 'EX-3', status: 'pending', voterIds: [] });
    expect(step.whoMustAct).toEqual(['executive', 'admin']);
    expect(step.blockers).toEqual(['EX-3 has 0 of 2 approvals']);
    expect(step.next).toBe(
      '2 executives who did not author the execution requirements approve EX-3 (`/amos approve acme-q3 EX-3`); any one of them can reject it with a reason (`/amos reject acme-q3 EX-3 <reason>`).',
    );
  });

  it('pending with one of two votes cast: one more executive approves', () => {
    const step = at({ ...authored, ref: 'EX-1', status: 'pending', voterIds: [exec1.userId] });
    expect(step.blockers).toEqual(['EX-1 has 1 of 2 approvals']);
    expect(step.next).toMatch(/^One more executive who did not author .* approves EX-1 /);
    expect(step.next).toContain('or rejects it with a reason');
  });

  it('pending, one approval needed: singular wording', () => {
    const step = at({ ...authored, ref: 'EX-1', status: 'pending', voterIds: [] }, 1);
    expect(step.blockers).toEqual(['EX-1 has 0 of 1 approval']);
    expect(step.next).toMatch(/^An executive who did not author .* approves EX-1 /);
  });
});

describe('describeNextStep names only commands that exist', () => {
  it('active and paused give plain hints, no /amos deliver, stage or resume', () => {
    const active = describeNextStep(facts('active')).next;
    const paused = describeNextStep(facts('paused')).next;
    expect(active).toBe('The engagement is active; partners deliver against the approved scope.');
    expect(paused).toContain('resume is not available in Slack yet');
    for (const text of [active, paused]) expect(text).not.toMatch(/\/amos (deliver|stage|resume)/);
  });

  it('puts the slug in the commands of other stages', () => {
    expect(describeNextStep(facts('draft')).next).toContain('`/amos diagnostic acme-q3`');
    expect(describeNextStep(facts('diagnostic_submitted')).next).toContain(
      '`/amos review acme-q3`',
    );
    expect(describeNextStep(facts('execution_approved')).next).toContain(
      '`/amos activate acme-q3`',
    );
  });
});
