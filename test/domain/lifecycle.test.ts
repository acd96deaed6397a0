import { describe, expect, it } from 'vitest';
import type { Stage } from '../../src/domain/engagement.js';
import type { RefusalCode } from '../../src/domain/errors.js';
import {
  describeNextStep,
  LIFECYCLE_ACTIONS,
  type LifecycleAction,
  STAGES,
  transition,
} from '../../src/domain/lifecycle.js';
import type { Actor } from '../../src/domain/roles.js';
import {
  admin,
  approvedRequest,
  exec1,
  exec2,
  facts,
  NOW,
  nobody,
  operator,
  partner,
} from './fixtures.js';

/** The lifecycle of PRODUCT.md section 4, written out independently of the implementation. */
const ALLOWED: Record<LifecycleAction, Partial<Record<Stage, Stage>>> = {
  submit_diagnostic: { draft: 'diagnostic_submitted' },
  review_outputs: { diagnostic_submitted: 'outputs_reviewed' },
  send_back: { diagnostic_submitted: 'draft', outputs_reviewed: 'draft' },
  approve_execution: { outputs_reviewed: 'execution_approved' },
  activate: { execution_approved: 'active' },
  pause: { active: 'paused' },
  resume: { paused: 'active' },
  complete: { active: 'completed', paused: 'completed' },
  terminate: {
    draft: 'terminated',
    diagnostic_submitted: 'terminated',
    outputs_reviewed: 'terminated',
    execution_approved: 'terminated',
    active: 'terminated',
    paused: 'terminated',
  },
};

const actorFor = (action: LifecycleAction): Actor =>
  action === 'submit_diagnostic' ? operator : exec2;
const inputFor = { reason: 'Budget review', note: 'ok', approval: approvedRequest() };

describe('transition table: every stage x action', () => {
  for (const stage of STAGES) {
    for (const action of LIFECYCLE_ACTIONS) {
      const expected = ALLOWED[action][stage];
      it(`${action} from ${stage} -> ${expected ?? 'wrong_stage'}`, () => {
        const result = transition(facts(stage), action, actorFor(action), inputFor, NOW);
        if (expected) {
          expect(result).toMatchObject({ ok: true, value: { from: stage, to: expected, at: NOW } });
        } else {
          expect(result).toMatchObject({ ok: false, refusal: { code: 'wrong_stage' } });
          if (!result.ok) expect(result.refusal.message).toContain('ACME-Q3');
        }
      });
    }
  }
});

/** Who may take each action, per PRODUCT.md section 2. */
const ROLE_EXPECTATIONS: Record<LifecycleAction, Record<string, RefusalCode | 'ok'>> = {
  submit_diagnostic: { operator: 'ok', executive: 'forbidden_role', admin: 'forbidden_role' },
  review_outputs: { operator: 'forbidden_role', executive: 'ok', admin: 'ok' },
  send_back: { operator: 'forbidden_role', executive: 'ok', admin: 'ok' },
  approve_execution: { operator: 'forbidden_role', executive: 'ok', admin: 'ok' },
  activate: { operator: 'forbidden_role', executive: 'ok', admin: 'ok' },
  pause: { operator: 'forbidden_role', executive: 'ok', admin: 'ok' },
  resume: { operator: 'forbidden_role', executive: 'ok', admin: 'ok' },
  complete: { operator: 'forbidden_role', executive: 'ok', admin: 'ok' },
  terminate: { operator: 'forbidden_role', executive: 'ok', admin: 'ok' },
};
const ACTORS: Record<string, Actor> = { operator, executive: exec2, admin, partner, nobody };

describe('transition roles', () => {
  for (const action of LIFECYCLE_ACTIONS) {
    const stage = Object.keys(ALLOWED[action])[0] as Stage;
    const expectations = {
      ...ROLE_EXPECTATIONS[action],
      partner: 'forbidden_role',
      nobody: 'no_role',
    };
    for (const [name, code] of Object.entries(expectations)) {
      it(`${action} by ${name} -> ${code}`, () => {
        const actor = ACTORS[name]!;
        const result = transition(facts(stage), action, actor, inputFor, NOW);
        if (code === 'ok') expect(result.ok).toBe(true);
        else expect(result).toMatchObject({ ok: false, refusal: { code } });
      });
    }
  }

  it('refuses by role before stage, so nobody is told to wait for a step they cannot take', () => {
    const result = transition(facts('draft'), 'activate', operator, {}, NOW);
    expect(result).toMatchObject({ ok: false, refusal: { code: 'forbidden_role' } });
  });

  it('names the admins in a no_role refusal', () => {
    const result = transition(
      facts('active'),
      'pause',
      nobody,
      { reason: 'x', adminNames: ['<@U_ADMIN>'] },
      NOW,
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.refusal.message).toContain('<@U_ADMIN>');
      expect(result.refusal.message).toContain('/amos role grant');
    }
  });
});

describe('wrong_stage messages', () => {
  it('say the stage and what must happen next', () => {
    const result = transition(facts('draft'), 'review_outputs', exec2, {}, NOW);
    expect(result).toEqual({
      ok: false,
      refusal: {
        code: 'wrong_stage',
        message:
          'ACME-Q3 is in *draft*: the Diagnostic must be submitted (`/amos diagnostic`) before outputs can be reviewed.',
      },
    });
  });

  it('say a final stage is final', () => {
    const result = transition(facts('terminated'), 'resume', exec2, {}, NOW);
    expect(!result.ok && result.refusal.message).toContain('final');
  });

  it('point a paused engagement at resume', () => {
    const result = transition(facts('paused'), 'pause', exec2, { reason: 'again' }, NOW);
    expect(!result.ok && result.refusal.message).toContain('/amos resume');
  });

  it('say when the engagement is past the step', () => {
    const result = transition(facts('active'), 'review_outputs', exec2, {}, NOW);
    expect(!result.ok && result.refusal.message).toBe(
      'ACME-Q3 is in *active*, past the point where outputs can be reviewed.',
    );
  });
});

describe('reasons', () => {
  for (const [action, stage] of [
    ['send_back', 'diagnostic_submitted'],
    ['pause', 'active'],
    ['terminate', 'active'],
  ] as const) {
    it(`${action} needs a non-empty reason`, () => {
      for (const reason of [undefined, '', '   ']) {
        const result = transition(
          facts(stage),
          action,
          exec2,
          reason === undefined ? {} : { reason },
          NOW,
        );
        expect(result).toMatchObject({
          ok: false,
          refusal: { code: 'invalid_input', fieldErrors: { reason: expect.any(String) } },
        });
      }
    });
  }

  it('resume and complete need no reason', () => {
    expect(transition(facts('paused'), 'resume', exec2, {}, NOW).ok).toBe(true);
    expect(transition(facts('active'), 'complete', exec2, {}, NOW).ok).toBe(true);
  });

  it('records the trimmed reason', () => {
    const result = transition(
      facts('active'),
      'pause',
      exec1,
      { reason: '  QA breach on SC-2 ' },
      NOW,
    );
    expect(result).toMatchObject({
      ok: true,
      value: {
        record: {
          kind: 'engagement.paused',
          summary: 'Paused: QA breach on SC-2',
          details: { reason: 'QA breach on SC-2', from: 'active', to: 'paused' },
        },
      },
    });
  });
});

describe('records', () => {
  const kinds: Record<LifecycleAction, string> = {
    submit_diagnostic: 'engagement.diagnostic_submitted',
    review_outputs: 'engagement.outputs_reviewed',
    send_back: 'engagement.sent_back',
    approve_execution: 'engagement.execution_approved',
    activate: 'engagement.activated',
    pause: 'engagement.paused',
    resume: 'engagement.resumed',
    complete: 'engagement.completed',
    terminate: 'engagement.terminated',
  };
  for (const action of LIFECYCLE_ACTIONS) {
    it(`${action} records ${kinds[action]}`, () => {
      const stage = Object.keys(ALLOWED[action])[0] as Stage;
      const result = transition(facts(stage), action, actorFor(action), inputFor, NOW);
      expect(result.ok && result.value.record.kind).toBe(kinds[action]);
      expect(result.ok && result.value.record.summary.length).toBeGreaterThan(0);
    });
  }

  it('activation records the partner organisation and channel', () => {
    const result = transition(facts('execution_approved'), 'activate', exec1, {}, NOW);
    expect(result.ok && result.value.record.details).toMatchObject({
      partnerOrgId: 'org-1',
      partnerChannelId: 'C_PARTNER',
    });
  });

  it('execution approval records who approved', () => {
    const approval = approvedRequest([exec1, exec2]);
    const result = transition(
      facts('outputs_reviewed', { requiredApprovals: 2 }),
      'approve_execution',
      exec2,
      { approval },
      NOW,
    );
    expect(result.ok && result.value.record.details).toMatchObject({
      approverIds: [exec1.userId, exec2.userId],
      requiredApprovals: 2,
    });
  });
});

describe('describeNextStep', () => {
  it('draft without a Diagnostic: an operator must act, blocker named', () => {
    const step = describeNextStep(facts('draft', { diagnostic: undefined }));
    expect(step.whoMustAct).toEqual(['operator']);
    expect(step.blockers).toHaveLength(1);
    expect(step.next).toContain('/amos diagnostic');
  });

  it('outputs reviewed with incomplete requirements: operators must finish them', () => {
    const step = describeNextStep(facts('outputs_reviewed', { stages: [] }));
    expect(step.whoMustAct).toEqual(['operator']);
    expect(step.blockers).toEqual(['at least one stage checkpoint (SR)']);
  });

  it('outputs reviewed with EX-1 pending: executives approve it', () => {
    const requirements = { ref: 'EX-1', authorIds: [operator.userId], status: 'pending' as const };
    const step = describeNextStep(
      facts('outputs_reviewed', { requiredApprovals: 2, requirements }),
    );
    expect(step.whoMustAct).toEqual(['executive', 'admin']);
    expect(step.blockers).toEqual(['EX-1 has 0 of 2 approvals']);
    expect(step.next).toContain('2 executives');
    expect(step.next).toContain('`/amos approve acme-q3 EX-1`');
  });

  it('execution approved without a partner channel: blocker listed', () => {
    const step = describeNextStep(facts('execution_approved', { partnerChannelId: undefined }));
    expect(step.blockers).toEqual(['a partner channel']);
    expect(step.whoMustAct).toEqual(['executive', 'admin']);
  });

  it('active: partners act; final stages: nobody', () => {
    expect(describeNextStep(facts('active')).whoMustAct).toEqual(['partner']);
    expect(describeNextStep(facts('paused')).whoMustAct).toEqual(['executive', 'admin']);
    expect(describeNextStep(facts('completed')).whoMustAct).toEqual([]);
    expect(describeNextStep(facts('terminated')).whoMustAct).toEqual([]);
  });
});
