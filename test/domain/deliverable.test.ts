import { describe, expect, it } from 'vitest';
import {
  checkDeliverable,
  isHttpsLink,
  reviewAgainstCriteria,
  reviewAllowedIn,
} from '../../src/domain/deliverable.js';
import { unwrap } from '../../src/domain/errors.js';
import type { ScopeVersion } from '../../src/domain/scope-version.js';
import { stageScopeItems, waitingDeliverables } from '../../src/domain/stage-review.js';

const scope: ScopeVersion = {
  version: 2,
  changeRef: 'CR-1',
  items: [
    {
      ref: 'SC-1',
      title: 'Email',
      criteria: ['Open rate above 35%', 'QA signed off'],
      dueDate: '2026-12-15',
    },
    { ref: 'SC-2', title: 'Pages', criteria: ['Load under 2s'], dueDate: '2027-01-20' },
  ],
};
const input = { scopeRef: 'SC-1', link: 'https://docs.example.com/dl', summary: 'Shipped' };

describe('the acceptance-criteria rule', () => {
  it('accepts only when every criterion is met', () => {
    const all = unwrap(
      reviewAgainstCriteria('DL-1', ['A', 'B'], [{ met: true }, { met: true, note: 'fine' }]),
    );
    expect(all.verdict).toBe('accepted');
    expect(all.unmet).toEqual([]);
  });
  it('returns naming each unmet criterion with its note', () => {
    const out = unwrap(
      reviewAgainstCriteria(
        'DL-1',
        ['Open rate above 35%', 'QA signed off'],
        [{ met: true }, { met: false, note: 'No QA sign-off attached' }],
      ),
    );
    expect(out.verdict).toBe('returned');
    expect(out.unmet).toEqual([
      { criterion: 'QA signed off', met: false, note: 'No QA sign-off attached' },
    ]);
    expect(out.summary).toContain('"QA signed off" (No QA sign-off attached)');
  });
  it('refuses a review missing a criterion, or a not-met without a note', () => {
    const missing = reviewAgainstCriteria('DL-1', ['A', 'B'], [{ met: true }]);
    expect(missing.ok ? {} : missing.refusal.fieldErrors).toHaveProperty('criterion-1');
    const bare = reviewAgainstCriteria('DL-1', ['A'], [{ met: false, note: ' ' }]);
    expect(bare.ok ? {} : bare.refusal.fieldErrors).toHaveProperty('criterion-0');
  });
});

describe('scope gating of deliverables', () => {
  it('refuses an item outside the approved scope version', () => {
    const out = checkDeliverable(scope, [], { ...input, scopeRef: 'SC-9' });
    expect(out.ok ? null : out.refusal.code).toBe('not_found');
    expect(out.ok ? '' : out.refusal.message).toContain('not in the approved scope (version 2)');
  });
  it('takes https links only', () => {
    expect(isHttpsLink('https://x.example/a')).toBe(true);
    for (const bad of ['http://x.example', 'javascript:alert(1)', 'x.example', 'https://'])
      expect(isHttpsLink(bad)).toBe(false);
    const out = checkDeliverable(scope, [], { ...input, link: 'http://x.example' });
    expect(out.ok ? {} : out.refusal.fieldErrors).toHaveProperty('link');
  });
  it('a waiting deliverable blocks another; a returned one is resubmitted as its next version', () => {
    const waiting = checkDeliverable(
      scope,
      [{ ref: 'DL-1', scopeRef: 'SC-1', status: 'waiting', version: 1 }],
      input,
    );
    expect(waiting.ok).toBe(false);
    const again = unwrap(
      checkDeliverable(
        scope,
        [{ ref: 'DL-1', scopeRef: 'SC-1', status: 'returned', version: 1 }],
        input,
      ),
    );
    expect(again.resubmits?.ref).toBe('DL-1');
    const done = checkDeliverable(
      scope,
      [{ ref: 'DL-1', scopeRef: 'SC-1', status: 'accepted', version: 2 }],
      input,
    );
    expect(done.ok ? '' : done.refusal.message).toContain('already done');
  });
});

describe('stage reviews', () => {
  it('a stage covers the items due by its checkpoint, and finds their waiting deliverables', () => {
    const items = stageScopeItems({ dueDate: '2026-12-31' }, null, scope.items);
    expect(items.map((i) => i.ref)).toEqual(['SC-1']);
    expect(
      stageScopeItems({ dueDate: '2027-02-01' }, '2026-12-31', scope.items).map((i) => i.ref),
    ).toEqual(['SC-2']);
    expect(
      waitingDeliverables(items, [
        { ref: 'DL-1', scopeRef: 'SC-1', status: 'waiting', version: 1 },
        { ref: 'DL-2', scopeRef: 'SC-2', status: 'waiting', version: 1 },
      ]),
    ).toEqual(['DL-1']);
  });
});

describe('reviews once the engagement is finished', () => {
  it('refuses a review of a terminated or completed engagement, allows it while active or paused', () => {
    for (const stage of ['terminated', 'completed'] as const) {
      const result = reviewAllowedIn(stage, 'DL-1', 'ACME-1');
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.refusal.message).toContain('DL-1 can no longer be reviewed');
    }
    for (const stage of ['active', 'paused'] as const) {
      expect(reviewAllowedIn(stage, 'DL-1', 'ACME-1').ok).toBe(true);
    }
  });
});
