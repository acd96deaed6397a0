import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';
import { createEngagement, createPartnerOrg, grant } from '../support/factories.js';

// Slack waits 3 seconds for an ack. Here every Web API answer is held back 4 seconds, so a
// listener that waited on Slack before acking would miss the deadline; and a modal opened
// too late from its trigger would be refused by the fake as Slack refuses it.
const SLOW_SLACK_MS = 4_000;
const ACK_BUDGET_MS = 2_000;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { AMOS_ADMINS: 'U0ADMIN' } });
  await grant(h.db, TEAM.id, 'U0OPER', 'operator');
  await grant(h.db, TEAM.id, 'U0EXEC', 'executive');
  await createPartnerOrg(h.db, { name: 'Northwind', members: ['U0PART'], verdict: 'fit' });
  await createEngagement(h.db, { slug: 'draft-q3', stage: 'draft' });
  await createEngagement(h.db, {
    slug: 'ack-q3',
    stage: 'outputs_reviewed',
    diagnostic: true,
    scopeItems: [{ title: 'Lifecycle email program' }],
    stages: [{ name: 'Mid-point review' }],
  });
  await createEngagement(h.db, {
    slug: 'submit-q3',
    stage: 'outputs_reviewed',
    diagnostic: true,
    scopeItems: [{ title: 'Landing pages' }],
    stages: [{ name: 'Mid-point review' }],
  });
  h.fake.latencyMs = SLOW_SLACK_MS;
});
afterAll(async () => {
  await h?.stop();
});

async function timed(userId: string, text: string) {
  const started = Date.now();
  const res = await h.driver.command(userId, text);
  return { res, elapsed: Date.now() - started };
}

describe('acks never wait on Slack', () => {
  it.each([
    ['U0EXEC', 'help'],
    ['U0EXEC', 'frobnicate'],
    ['U0EXEC', 'status'],
    ['U0EXEC', 'status ack-q3'],
    ['U0EXEC', 'approve'],
    ['U0EXEC', 'log ack-q3'],
    ['U0EXEC', 'export ack-q3 csv'],
    ['U0ADMIN', 'role list'],
    ['U0ADMIN', 'partner list'],
    ['U0OPER', 'scope ack-q3'],
    ['U0OPER', 'scope submit-q3 submit'],
    ['U0EXEC', 'review draft-q3'],
    ['U0PART', 'approve ack-q3 EX-1'],
  ])('%s: /amos %s acks within the budget', async (userId, text) => {
    const { res, elapsed } = await timed(userId, text);
    expect(res.status).toBe(200);
    expect(elapsed).toBeLessThan(ACK_BUDGET_MS);
  });

  it.each([
    ['U0OPER', 'new'],
    ['U0OPER', 'diagnostic draft-q3'],
    ['U0OPER', 'scope ack-q3 add'],
    ['U0EXEC', 'fit Northwind'],
  ])(
    '%s: /amos %s acks at once and opens its modal from the live trigger',
    async (userId, text) => {
      const { res, elapsed } = await timed(userId, text);
      expect(res.status).toBe(200);
      expect(elapsed).toBeLessThan(ACK_BUDGET_MS);
      const opened = await h.fake.waitFor(
        (c) => c.method === 'views.open' && c.args.trigger_id === res.triggerId,
      );
      expect(opened.response).toMatchObject({ ok: true });
    },
  );

  it('is shown to fail: the fake refuses a modal opened from an expired trigger', async () => {
    const stale = `${Date.now() - 3_500}.STALE`;
    h.fake.latencyMs = 0;
    const res = await fetch(`${h.fake.apiUrl}views.open`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEAM.botToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        trigger_id: stale,
        view: { type: 'modal', title: { type: 'plain_text', text: 'x' }, blocks: [] },
      }),
    });
    expect(await res.json()).toMatchObject({ ok: false, error: 'expired_trigger_id' });
    h.fake.latencyMs = SLOW_SLACK_MS;
  });
});
