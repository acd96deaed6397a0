import { describe, expect, it } from 'vitest';
import {
  type DigestEngagementFacts,
  describeDuration,
  weeklyDigest,
} from '../../src/domain/digest.js';

const NOW = new Date('2026-12-07T17:00:00Z'); // Monday 09:00 in Los Angeles
const H = 3_600_000;

function engagement(o: Partial<DigestEngagementFacts> = {}): DigestEngagementFacts {
  return {
    id: 'e-acme',
    slug: 'acme-q3',
    name: 'Acme Q3',
    stage: 'active',
    stageSince: new Date(NOW.getTime() - 3 * 24 * H),
    dueItems: [],
    pendingApprovals: [],
    head: { seq: 12, hash: 'a'.repeat(64) },
    ...o,
  };
}

const digest = (engagements: DigestEngagementFacts[], timeZone = 'UTC') =>
  weeklyDigest({ teamId: 'T1', executiveId: 'U_EXEC', now: NOW, timeZone, engagements });

describe('weeklyDigest', () => {
  it('carries stage, time at the gate and the record head of each engagement in progress', () => {
    const d = digest([
      engagement(),
      engagement({ id: 'e-done', slug: 'done', stage: 'completed' }),
      engagement({ id: 'e-gone', slug: 'gone', stage: 'terminated' }),
      engagement({ id: 'e-new', slug: 'beta', stage: 'draft', stageSince: NOW, head: null }),
    ]);
    expect(d.engagements.map((e) => [e.slug, e.stage, e.timeAtGate, e.head?.seq ?? null])).toEqual([
      ['acme-q3', 'active', 72 * H, 12],
      ['beta', 'draft', 0, null],
    ]);
    expect(d).toMatchObject({
      teamId: 'T1',
      executiveId: 'U_EXEC',
      at: NOW,
      waitingCount: 0,
      overdueCount: 0,
    });
  });

  it('lists items whose due day has ended in the executive zone as overdue, oldest first', () => {
    const dueItems = [
      { ref: 'SC-2', title: 'Flows', dueDate: '2026-12-06' },
      { ref: 'SC-1', title: 'Pages', dueDate: '2026-12-01' },
      { ref: 'ST-1', title: 'Review', dueDate: '2026-12-07' },
    ];
    expect(digest([engagement({ dueItems })]).engagements[0]?.overdue.map((o) => o.ref)).toEqual([
      'SC-1',
      'SC-2',
    ]);
    // At 17:00 UTC it is already Tuesday 02:00 in Tokyo: Monday's item is overdue there.
    expect(
      digest([engagement({ dueItems })], 'Asia/Tokyo').engagements[0]?.overdue.map((o) => o.ref),
    ).toEqual(['SC-1', 'SC-2', 'ST-1']);
  });

  it('lists only requests the executive may still vote on, and puts those engagements first', () => {
    const pending = (
      ref: string,
      requesterIds: string[],
      voterIds: string[] = [],
      hoursAgo = 30,
    ) => ({
      ref,
      subject: 'execution_requirements',
      requestedAt: new Date(NOW.getTime() - hoursAgo * H),
      requesterIds,
      voterIds,
    });
    const d = digest([
      engagement({ id: 'e-a', slug: 'aaa' }),
      engagement({
        id: 'e-z',
        slug: 'zzz',
        pendingApprovals: [
          pending('EX-2', ['U_OPER'], [], 5),
          pending('EX-1', ['U_OPER'], [], 50),
          pending('CR-1', ['U_EXEC']),
          pending('CR-2', ['U_OPER'], ['U_EXEC']),
        ],
      }),
      engagement({
        id: 'e-m',
        slug: 'mmm',
        dueItems: [{ ref: 'SC-1', title: 'x', dueDate: '2026-11-01' }],
      }),
    ]);
    expect(d.engagements.map((e) => e.slug)).toEqual(['zzz', 'mmm', 'aaa']);
    expect(d.engagements[0]?.waitingOnYou.map((w) => w.ref)).toEqual(['EX-1', 'EX-2']);
    expect(d.waitingCount).toBe(2);
    expect(d.overdueCount).toBe(1);
  });

  it('says durations as a person would', () => {
    expect(describeDuration(0)).toBe('under an hour');
    expect(describeDuration(H)).toBe('1 hour');
    expect(describeDuration(47 * H)).toBe('47 hours');
    expect(describeDuration(72 * H + 5)).toBe('3 days');
  });
});
