import { describe, expect, it } from 'vitest';
import {
  checkRequirementsSubmittable,
  checkRequirementsVotable,
  checkScopeEditable,
  checkUniqueName,
  parseCriteria,
  SCOPE_LIMITS,
  validateScopeItem,
  validateStageCheckpoint,
} from '../../src/domain/scope.js';
import { facts, NOW } from './fixtures.js';

describe('parseCriteria', () => {
  it('keeps one criterion per non-empty line, without bullets', () => {
    expect(parseCriteria('- Open rate above 35%\n\n• QA signed off\r\n2) Docs linked\n  ')).toEqual(
      ['Open rate above 35%', 'QA signed off', 'Docs linked'],
    );
    expect(parseCriteria(undefined)).toEqual([]);
    expect(parseCriteria('-5% churn')).toEqual(['-5% churn']);
  });
});

describe('validateScopeItem', () => {
  it('accepts a complete item, trimmed', () => {
    expect(
      validateScopeItem({ title: ' Emails ', criteria: [' a ', ''], dueDate: '2025-04-01' }, NOW),
    ).toEqual({ ok: true, value: { title: 'Emails', criteria: ['a'], dueDate: '2025-04-01' } });
  });

  it('names every missing field at once', () => {
    const result = validateScopeItem({ title: ' ', criteria: ['  '], dueDate: undefined }, NOW);
    expect(result).toMatchObject({ ok: false, refusal: { code: 'invalid_input' } });
    expect(!result.ok && Object.keys(result.refusal.fieldErrors ?? {})).toEqual([
      'title',
      'criteria',
      'dueDate',
    ]);
  });

  it('refuses impossible and past dates, but tolerates time zones for today', () => {
    const bad = validateScopeItem({ title: 't', criteria: ['c'], dueDate: '2025-02-30' }, NOW);
    expect(!bad.ok && bad.refusal.fieldErrors?.dueDate).toContain('real date');
    const past = validateScopeItem({ title: 't', criteria: ['c'], dueDate: '2025-03-01' }, NOW);
    expect(!past.ok && past.refusal.fieldErrors?.dueDate).toContain('in the past');
    // NOW is 2025-03-14 10:00 UTC: it is still the 13th west of UTC-10.
    expect(validateScopeItem({ title: 't', criteria: ['c'], dueDate: '2025-03-13' }, NOW).ok).toBe(
      true,
    );
  });

  it('enforces the limits', () => {
    const many = Array.from({ length: SCOPE_LIMITS.criteria + 1 }, (_, i) => `c${i}`);
    const result = validateScopeItem(
      { title: 'x'.repeat(SCOPE_LIMITS.title + 1), criteria: many, dueDate: '2025-04-01' },
      NOW,
    );
    expect(!result.ok && result.refusal.fieldErrors).toMatchObject({
      title: expect.stringContaining('150'),
      criteria: expect.stringContaining('20'),
    });
  });
});

describe('validateStageCheckpoint', () => {
  it('needs a name and a date', () => {
    expect(validateStageCheckpoint({ name: 'Kickoff', dueDate: '2025-04-01' }, NOW)).toEqual({
      ok: true,
      value: { name: 'Kickoff', dueDate: '2025-04-01' },
    });
    const result = validateStageCheckpoint({ name: '', dueDate: '' }, NOW);
    expect(!result.ok && Object.keys(result.refusal.fieldErrors ?? {})).toEqual([
      'name',
      'dueDate',
    ]);
  });
});

describe('checkScopeEditable', () => {
  it('allows edits only after output review and before execution approval', () => {
    expect(checkScopeEditable({ slug: 'acme', stage: 'outputs_reviewed' }, undefined).ok).toBe(
      true,
    );
    const early = checkScopeEditable({ slug: 'acme', stage: 'draft' }, undefined);
    expect(early).toMatchObject({ ok: false, refusal: { code: 'wrong_stage' } });
    expect(!early.ok && early.refusal.message).toContain('/amos review');
    const late = checkScopeEditable({ slug: 'acme', stage: 'active' }, undefined);
    expect(!late.ok && late.refusal.message).toContain('approved change request');
    const final = checkScopeEditable({ slug: 'acme', stage: 'terminated' }, undefined);
    expect(!final.ok && final.refusal.message).toContain('final');
  });

  it('refuses while the requirements are out for approval, saying how to reopen them', () => {
    const result = checkScopeEditable({ slug: 'acme', stage: 'outputs_reviewed' }, 'EX-2');
    expect(result).toMatchObject({ ok: false, refusal: { code: 'conflict' } });
    expect(!result.ok && result.refusal.message).toContain('/amos reject acme EX-2 <reason>');
  });
});

describe('checkRequirementsSubmittable', () => {
  it('passes complete requirements in outputs_reviewed', () => {
    expect(checkRequirementsSubmittable(facts('outputs_reviewed'), undefined).ok).toBe(true);
  });

  it('lists every gap of the gate, naming the refs', () => {
    const engagement = facts('outputs_reviewed', {
      scopeItems: [
        { ref: 'SC-1', title: 'a', dueDate: '2025-04-01', criteria: ['x'] },
        { ref: 'SC-2', title: 'b', dueDate: '2025-04-01', criteria: [] },
        { ref: 'SC-3', title: 'c', criteria: [] },
      ],
    });
    const result = checkRequirementsSubmittable(engagement, undefined);
    expect(result).toMatchObject({ ok: false, refusal: { code: 'gate_not_met' } });
    expect(!result.ok && result.refusal.message).toContain(
      'an acceptance criterion on SC-2 and SC-3; a due date on SC-3',
    );
  });

  it('refuses a second submission while one is pending, with its tally', () => {
    const result = checkRequirementsSubmittable(facts('outputs_reviewed'), {
      ref: 'EX-1',
      approvals: 1,
      required: 2,
    });
    expect(result).toMatchObject({ ok: false, refusal: { code: 'conflict' } });
    expect(!result.ok && result.refusal.message).toContain(
      'EX-1 is already waiting for approval (1 of 2',
    );
  });

  it('refuses after execution approval', () => {
    const result = checkRequirementsSubmittable(facts('execution_approved'), undefined);
    expect(result).toMatchObject({ ok: false, refusal: { code: 'wrong_stage' } });
  });
});

describe('checkUniqueName', () => {
  it('refuses a name already used, ignoring case and spaces, on the given field', () => {
    const existing = [{ ref: 'SC-1', name: 'Landing pages' }];
    expect(checkUniqueName(existing, 'Emails', 'title').ok).toBe(true);
    const clash = checkUniqueName(existing, ' landing PAGES ', 'title');
    expect(clash).toMatchObject({
      ok: false,
      refusal: { code: 'conflict', fieldErrors: { title: expect.stringContaining('SC-1') } },
    });
  });
});

describe('checkRequirementsVotable', () => {
  it('allows votes only while execution approval is awaited', () => {
    expect(checkRequirementsVotable({ slug: 'acme', stage: 'outputs_reviewed' }, 'EX-1').ok).toBe(
      true,
    );
    const draft = checkRequirementsVotable({ slug: 'acme', stage: 'draft' }, 'EX-1');
    expect(draft).toMatchObject({ ok: false, refusal: { code: 'wrong_stage' } });
    expect(!draft.ok && draft.refusal.message).toContain("EX-1 can't be decided any more");
    const ended = checkRequirementsVotable({ slug: 'acme', stage: 'terminated' }, 'EX-1');
    expect(!ended.ok && ended.refusal.message).toContain('final');
  });
});
