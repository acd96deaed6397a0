import { setTimeout as sleep } from 'node:timers/promises';
import type { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listApprovalMessages } from '../../src/db/approval-repository.js';
import { createLogger } from '../../src/logger.js';
import { decide } from '../../src/services/approval-service.js';
import type { ServiceDeps } from '../../src/services/change.js';
import { afterDecision } from '../../src/slack/approval-notifier.js';
import { APPROVAL } from '../../src/slack/ids.js';
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

describe('approval copies under concurrency', () => {
  it('N=2, two votes at once: a slow "1 of 2" render never lands after the decided one', async () => {
    const { request } = await submitted(2);
    // A Slack stand-in that holds every "1 of 2" render until released, and notes each update
    // in the order it lands (what Slack would show last).
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let holding = 0;
    const landed: { channel: string; ts: string; blocks: string }[] = [];
    const client = {
      chat: {
        update: async (args: { channel: string; ts: string; blocks: unknown }) => {
          const blocks = JSON.stringify(args.blocks);
          if (blocks.includes('1 of 2 approvals')) {
            holding += 1;
            await held;
          }
          landed.push({ channel: args.channel, ts: args.ts, blocks });
          return { ok: true };
        },
        postMessage: async () => ({ ok: true, channel: 'D0STUB', ts: '1.000001' }),
      },
      views: { publish: async () => ({ ok: true }) },
    } as unknown as WebClient;
    const logger = createLogger('silent');
    const vote = (userId: string) =>
      decide(deps, { teamId: TEAM.id, userId, approvalRequestId: request.id, decision: 'approve' });

    const first = await vote(EXECS[0]);
    expect(first).toMatchObject({ kind: 'voted', status: 'pending' });
    const firstRefresh = afterDecision(client, deps, logger, TEAM.id, first);
    for (let i = 0; i < 2000 && holding < 3; i += 1) await sleep(5);
    expect(holding).toBe(3);

    const second = await vote(EXECS[1]);
    expect(second).toMatchObject({ kind: 'voted', status: 'approved', completed: true });
    const secondRefresh = afterDecision(client, deps, logger, TEAM.id, second);
    // Give the second refresh every chance to finish first, then let the slow renders land.
    await Promise.race([secondRefresh, sleep(150)]);
    release();
    await Promise.all([firstRefresh, secondRefresh]);

    const copies = await listApprovalMessages(h.db, TEAM.id, request.id);
    expect(copies).toHaveLength(3);
    for (const copy of copies) {
      const last = landed.filter((u) => u.channel === copy.channel_id && u.ts === copy.ts).at(-1);
      expect(last?.blocks, `copy for ${copy.recipient_id}`).toContain('*Approved* by');
      expect(last?.blocks, `copy for ${copy.recipient_id}`).not.toContain(APPROVAL.approveAction);
    }
  });
});
