import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../../src/services/approval-service.js';
import type { ServiceDeps } from '../../src/services/change.js';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';
import {
  commandReply,
  EXECS,
  grantPeople,
  OPERATOR,
  recordsOf,
  requestsOf,
  responsesTo,
  reviewedEngagement,
  stageOf,
  steppingClock,
} from '../support/approval-fixtures.js';
import { grant, seedWorkspace } from '../support/factories.js';
import { holdEngagementLock } from '../support/locks.js';

// Concurrency of the one decision path, on real PostgreSQL: votes on one request serialise on
// the engagement row lock, so a race yields exactly one decision and one transition.

let h: Harness;
let deps: ServiceDeps;
const MORE = ['U0EXECD', 'U0EXECE'];
beforeAll(async () => {
  h = await startHarness({ clock: steppingClock() });
  await grantPeople(h);
  for (const id of MORE) await grant(h.db, TEAM.id, id, 'executive');
  deps = { db: h.db, clock: steppingClock('2026-11-26T09:00:00Z'), admins: [] };
});
afterAll(async () => {
  await h?.stop();
});

async function submitted(requiredApprovals = 1) {
  const e = await reviewedEngagement(h, { requiredApprovals });
  await commandReply(h, OPERATOR, `scope ${e.slug} submit`);
  const [request] = await requestsOf(h, e.id);
  if (!request) throw new Error('not submitted');
  return { e, request };
}

const kinds = async (engagementId: string) => (await recordsOf(h, engagementId)).map((r) => r.kind);

describe('decide under concurrency', () => {
  it('two parallel HTTP approvals (N=1): one approval, one transition, the other told politely', async () => {
    const { e } = await submitted();
    const [first, second] = await Promise.all([
      h.driver.command(EXECS[0], `approve ${e.slug} EX-1`),
      h.driver.command(EXECS[1], `approve ${e.slug} EX-1`),
    ]);
    const replies = await Promise.all(
      [first, second].map(async (res) => {
        const [reply] = await responsesTo(h, res?.responseUrl ?? '');
        return String(reply?.body.text);
      }),
    );
    expect(replies.filter((t) => t.includes('EX-1 is approved (1 of 1)'))).toHaveLength(1);
    expect(replies.filter((t) => t.includes('was already decided'))).toHaveLength(1);
    expect(await kinds(e.id)).toEqual([
      'approval.requested',
      'approval.approved',
      'engagement.execution_approved',
    ]);
    expect(await stageOf(h, e.id)).toBe('execution_approved');
  });

  it('five executives at once through the service: exactly one decides', async () => {
    const { e, request } = await submitted();
    const voters = [...EXECS, ...MORE];
    const outcomes = await Promise.all(
      voters.map((userId) =>
        decide(deps, {
          teamId: TEAM.id,
          userId,
          approvalRequestId: request.id,
          decision: 'approve',
        }),
      ),
    );
    expect(outcomes.filter((o) => o.kind === 'voted')).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'already_decided')).toHaveLength(4);
    expect((await kinds(e.id)).filter((k) => k === 'engagement.execution_approved')).toHaveLength(
      1,
    );
    const [stored] = await requestsOf(h, e.id);
    expect(stored?.votes).toHaveLength(1);
  });

  it('N=2 with two executives at once: both votes count, one transition', async () => {
    const { e, request } = await submitted(2);
    const outcomes = await Promise.all(
      [EXECS[0], EXECS[1]].map((userId) =>
        decide(deps, {
          teamId: TEAM.id,
          userId,
          approvalRequestId: request.id,
          decision: 'approve',
        }),
      ),
    );
    expect(outcomes.map((o) => (o.kind === 'voted' ? o.status : o.kind)).sort()).toEqual([
      'approved',
      'pending',
    ]);
    expect(await kinds(e.id)).toEqual([
      'approval.requested',
      'approval.vote_cast',
      'approval.approved',
      'engagement.execution_approved',
    ]);
  });

  it('the same executive double-clicking: one vote, the repeat answered as already voted', async () => {
    const { e, request } = await submitted(2);
    const vote = () =>
      decide(deps, {
        teamId: TEAM.id,
        userId: EXECS[2],
        approvalRequestId: request.id,
        decision: 'approve',
      });
    const outcomes = await Promise.all([vote(), vote()]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['already_voted', 'voted']);
    const [stored] = await requestsOf(h, e.id);
    expect(stored?.votes).toHaveLength(1);
    expect(stored?.status).toBe('pending');
  });

  it('a vote that changes nothing is answered without waiting on the engagement lock', async () => {
    const { e, request } = await submitted(2);
    const vote = () =>
      decide(deps, {
        teamId: TEAM.id,
        userId: EXECS[2],
        approvalRequestId: request.id,
        decision: 'approve',
      });
    expect((await vote()).kind).toBe('voted');
    // Another change holds the engagement row lock for longer than the lock timeout (1.5 s):
    // the repeat is answered from what it read, and never waits for (or times out on) the lock.
    const release = await holdEngagementLock(h.db, e.id);
    try {
      const outcomes = await Promise.all([vote(), vote(), vote()]);
      expect(outcomes.map((o) => o.kind)).toEqual([
        'already_voted',
        'already_voted',
        'already_voted',
      ]);
    } finally {
      await release();
    }
    const [stored] = await requestsOf(h, e.id);
    expect(stored?.votes).toHaveLength(1);
  });

  it('another workspace cannot decide the request, even with its id', async () => {
    const { e, request } = await submitted();
    await seedWorkspace(h.db, 'T0OTHER');
    await grant(h.db, 'T0OTHER', EXECS[0], 'executive');
    await expect(
      decide(deps, {
        teamId: 'T0OTHER',
        userId: EXECS[0],
        approvalRequestId: request.id,
        decision: 'approve',
      }),
    ).rejects.toMatchObject({ refusal: { code: 'not_found' } });
    await expect(
      decide(deps, { teamId: 'T0OTHER', userId: EXECS[0], ref: 'EX-1', decision: 'approve' }),
    ).rejects.toMatchObject({ refusal: { code: 'not_found' } });
    expect(await stageOf(h, e.id)).toBe('outputs_reviewed');
  });
});
