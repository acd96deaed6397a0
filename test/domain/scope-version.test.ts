import { describe, expect, it } from 'vitest';
import { validateChangeRequest } from '../../src/domain/change-request.js';
import { unwrap } from '../../src/domain/errors.js';
import { amendScope, type ScopeVersion } from '../../src/domain/scope-version.js';
import { NOW } from './fixtures.js';

const v1: ScopeVersion = {
  version: 1,
  changeRef: null,
  items: [
    {
      ref: 'SC-1',
      title: 'Email program',
      criteria: ['Open rate above 35%'],
      dueDate: '2026-12-15',
    },
    { ref: 'SC-2', title: 'Landing pages', criteria: ['Load under 2s'], dueDate: '2026-12-20' },
  ],
};

describe('scope versioning', () => {
  it('an amendment makes the next version and leaves the previous one as it was', () => {
    const before = JSON.stringify(v1);
    const out = unwrap(
      amendScope(
        v1,
        {
          add: [
            { title: 'Referral flow', criteria: ['10 referrals a week'], dueDate: '2027-01-10' },
          ],
          amend: [{ ref: 'SC-2', dueDate: '2027-01-05' }],
        },
        'CR-1',
        ['SC-3'],
      ),
    );
    expect(out.version.version).toBe(2);
    expect(out.version.changeRef).toBe('CR-1');
    expect(out.added).toEqual(['SC-3']);
    expect(out.amended).toEqual(['SC-2']);
    expect(out.version.items.map((i) => [i.ref, i.dueDate])).toEqual([
      ['SC-1', '2026-12-15'],
      ['SC-2', '2027-01-05'],
      ['SC-3', '2027-01-10'],
    ]);
    expect(JSON.stringify(v1)).toBe(before);
  });

  it('refuses amending an item that is not in the version, an empty amendment, and a title clash', () => {
    const unknown = amendScope(v1, { add: [], amend: [{ ref: 'SC-9', title: 'x' }] }, 'CR-1', []);
    expect(unknown.ok ? '' : unknown.refusal.message).toContain('SC-9');
    expect(amendScope(v1, { add: [], amend: [] }, 'CR-1', []).ok).toBe(false);
    const clash = amendScope(
      v1,
      { add: [{ title: 'landing pages', criteria: ['x'], dueDate: '2027-01-01' }], amend: [] },
      'CR-1',
      ['SC-3'],
    );
    expect(clash.ok).toBe(false);
  });
});

describe('change request validation', () => {
  const base = {
    type: 'scope',
    description: 'Add referrals',
    impact: '+2 weeks',
    rationale: 'Growth',
  };
  it('a scope change needs items, each complete, amending only what is in scope', () => {
    const none = validateChangeRequest(base, ['SC-1'], NOW);
    expect(none.ok ? {} : none.refusal.fieldErrors).toHaveProperty('items');
    const outside = validateChangeRequest(
      { ...base, amend: [{ ref: 'SC-7', title: 'x' }] },
      ['SC-1'],
      NOW,
    );
    expect(outside.ok ? '' : outside.refusal.fieldErrors?.items).toContain('SC-7');
    const ok = unwrap(
      validateChangeRequest(
        {
          ...base,
          add: [{ title: 'Referral flow', criteria: ['10 a week'], dueDate: '2027-01-10' }],
        },
        ['SC-1'],
        NOW,
      ),
    );
    expect(ok.amendment.add).toHaveLength(1);
  });
  it('names every missing field, and other types need no items', () => {
    const bad = validateChangeRequest({ type: 'budget' }, [], NOW);
    expect(Object.keys(bad.ok ? {} : (bad.refusal.fieldErrors ?? {})).sort()).toEqual([
      'description',
      'impact',
      'rationale',
      'type',
    ]);
    expect(validateChangeRequest({ ...base, type: 'timeline' }, [], NOW).ok).toBe(true);
  });
});
