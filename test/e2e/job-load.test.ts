import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeSlack } from '../../src/sandbox/fake-slack.js';
import { APPROVAL } from '../../src/slack/ids.js';
import { type Harness, startHarness, startSharedFakeSlack, TEAM } from '../support/app-harness.js';
import {
  approvalPosts,
  commandReply,
  grantPeople,
  OPERATOR,
  recordsOf,
  responsesTo,
  reviewedEngagement,
} from '../support/approval-fixtures.js';
import { grant } from '../support/factories.js';

// Follow-up jobs under a hostile Slack (429s and 5xx) and with two app instances working one
// database: every effect delivered once, copies converging on the decided state, App Home
// coalesced per person.

const copiesOf = (h: Harness, engagementId: string) =>
  h.db
    .selectFrom('approval_message')
    .innerJoin('approval_request', 'approval_request.id', 'approval_message.approval_request_id')
    .select(['approval_message.recipient_id', 'approval_message.channel_id', 'approval_message.ts'])
    .where('approval_request.engagement_id', '=', engagementId)
    .execute();

// 500 takes ~40 s on a loaded 2-core machine; the suite runs 100 (AMOS_LOAD_DMS=500 for all).
const DMS = Number(process.env.AMOS_LOAD_DMS ?? 100);

describe('429 with Retry-After on every fifth chat.postMessage and a 5xx on every seventh', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { AMOS_JOB_ATTEMPTS: '6' } });
    await grantPeople(h);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it(`${DMS} approval DMs are all delivered once, and requests are answered meanwhile`, async () => {
    const sponsors = Array.from({ length: DMS }, (_, i) => `U0S${String(i).padStart(4, '0')}`);
    const e = await reviewedEngagement(h, { sponsorIds: sponsors });
    h.fake.reset();
    h.fake.failEvery('chat.postMessage', 5, { status: 429, retryAfter: 1 });
    h.fake.failEvery('chat.postMessage', 7, { status: 503, error: 'service_unavailable' });
    const submitted = await h.driver.command(OPERATOR, `scope ${e.slug} submit`);
    expect(submitted.status).toBe(200);
    // While the DMs go out (and wait out their Retry-After), a request is answered at once.
    await h.fake.waitFor((c) => c.method === 'chat.postMessage' && c.status === 429);
    const started = Date.now();
    const list = await h.driver.command(OPERATOR, 'role list');
    expect(list.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_000);
    await h.app.idle(120_000);

    const perSponsor = new Map<string, number>();
    for (const p of approvalPosts(h, 'EX-1').filter((p) => p.call.response.ok)) {
      perSponsor.set(p.user, (perSponsor.get(p.user) ?? 0) + 1);
    }
    expect(perSponsor.size).toBe(DMS);
    expect([...perSponsor.values()].every((n) => n === 1)).toBe(true);
    for (const user of sponsors.slice(0, 20)) {
      const dms = h.fake.directMessages(TEAM.id, user).filter((m) => m.text.includes('EX-1'));
      expect(dms, user).toHaveLength(1);
    }
    expect(await copiesOf(h, e.id)).toHaveLength(DMS);
    const calls = h.fake.callsTo('chat.postMessage');
    expect(calls.filter((c) => c.status === 429).length).toBeGreaterThanOrEqual(DMS / 5);
    expect(calls.filter((c) => c.status === 503).length).toBeGreaterThanOrEqual(
      Math.floor(DMS / 8),
    );
    expect((await recordsOf(h, e.id)).map((r) => r.kind)).toEqual(['approval.requested']);
  }, 180_000);
});

describe('two app instances with workers on one database', () => {
  let fake: FakeSlack;
  let a: Harness;
  let b: Harness;
  const execs = Array.from({ length: 20 }, (_, i) => `U0V${String(i).padStart(2, '0')}`);
  beforeAll(async () => {
    fake = await startSharedFakeSlack();
    const env = { AMOS_HOME_DEBOUNCE: '300ms' };
    a = await startHarness({ fake, env });
    b = await startHarness({ fake, env, databaseUrl: a.app.config.databaseUrl ?? '' });
    await grantPeople(a);
    for (const id of execs) await grant(a.db, TEAM.id, id, 'executive');
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await fake?.stop();
  });

  it('20 concurrent votes on one request: copies end decided, DMs once, App Home coalesced', async () => {
    const e = await reviewedEngagement(a, { sponsorIds: execs, requiredApprovals: 12 });
    const { text } = await commandReply(a, OPERATOR, `scope ${e.slug} submit`);
    expect(text).toContain('*EX-1* is out for approval');
    expect(await copiesOf(a, e.id)).toHaveLength(20);
    fake.reset();

    // Every vote locks the same engagement, so under a burst on a loaded machine some wait past
    // the lock timeout and are answered at once "nothing was changed, try again in a minute"
    // (in the ack, never lost silently). Each voter does what that reply says, so every vote
    // ends committed and answered through its response_url.
    let askedToRetry = 0;
    const vote = async (id: string, h: Harness): Promise<void> => {
      for (let attempt = 0; attempt < 10; attempt += 1) {
        const v = await h.driver.command(id, `approve ${e.slug} EX-1`);
        if (!v.text.includes('try again')) {
          await responsesTo(a, v.responseUrl);
          return;
        }
        askedToRetry += 1;
      }
      throw new Error(`${id} was asked to try again ten times`);
    };
    await Promise.all(execs.map((id, i) => vote(id, i % 2 === 0 ? a : b)));
    console.log(`votes answered "try again" under the burst: ${askedToRetry}`);
    await a.app.idle(30_000);
    await b.app.idle(30_000);

    const [request] = await a.db
      .selectFrom('approval_request')
      .selectAll()
      .where('engagement_id', '=', e.id)
      .execute();
    expect(request?.status).toBe('approved');
    expect(request?.votes).toHaveLength(12);
    // What Slack shows now for every copy: the decision, no buttons.
    for (const copy of await copiesOf(a, e.id)) {
      const shown = fake.messages(copy.channel_id).find((m) => m.ts === copy.ts);
      expect(JSON.stringify(shown?.blocks), `copy of ${copy.recipient_id}`).toContain(
        '*Approved* by',
      );
      expect(JSON.stringify(shown?.blocks)).not.toContain(APPROVAL.approveAction);
    }
    // No DM sent twice: the requester told once, no approval DM re-sent.
    const told = fake
      .directMessages(TEAM.id, OPERATOR)
      .filter((m) => JSON.stringify(m.blocks).includes('were approved'));
    expect(told).toHaveLength(1);
    expect(approvalPosts(a, 'EX-1')).toEqual([]);
    // App Home: a burst of 20 votes gives a few publishes per person, not 20.
    const publishes = new Map<string, number>();
    for (const c of fake.callsTo('views.publish')) {
      const user = String(c.args.user_id);
      publishes.set(user, (publishes.get(user) ?? 0) + 1);
    }
    const most = Math.max(...publishes.values());
    expect(publishes.size).toBeGreaterThanOrEqual(20);
    expect(most).toBeLessThanOrEqual(5);
    const kinds = (await recordsOf(a, e.id)).map((r) => r.kind);
    expect(kinds.filter((k) => k === 'approval.approved')).toHaveLength(1);
    console.log(`App Home publishes per person: at most ${most}`);
  }, 120_000);

  it('20 concurrent votes, no voter retrying: each answered "voted" or "already decided", none "try again"', async () => {
    const e = await reviewedEngagement(a, { sponsorIds: execs, requiredApprovals: 12 });
    const { text } = await commandReply(a, OPERATOR, `scope ${e.slug} submit`);
    expect(text).toContain('*EX-1* is out for approval');
    await a.app.idle(30_000);
    await b.app.idle(30_000);
    fake.reset();

    // Each executive sends `/amos approve` once, at the same moment, half to each instance;
    // the answer is the ack's text when it has one, else the reply on the response_url.
    const answer = async (id: string, h: Harness): Promise<string> => {
      const v = await h.driver.command(id, `approve ${e.slug} EX-1`);
      expect(v.status).toBe(200);
      const ack = (v.json as { text?: string } | undefined)?.text;
      if (ack) return ack;
      const [reply] = await responsesTo(h, v.responseUrl);
      return String(reply?.body.text ?? '');
    };
    const answers = await Promise.all(execs.map((id, i) => answer(id, i % 2 === 0 ? a : b)));
    await a.app.idle(30_000);
    await b.app.idle(30_000);

    expect(answers.filter((t) => /try again|cannot reach/i.test(t))).toEqual([]);
    const [request] = await a.db
      .selectFrom('approval_request')
      .selectAll()
      .where('engagement_id', '=', e.id)
      .execute();
    expect(request?.status).toBe('approved');
    expect(request?.votes).toHaveLength(12);
    // The twelve whose vote counted were told so; the other eight that it was already decided.
    const voters = new Set((request?.votes ?? []).map((v) => v.userId));
    execs.forEach((id, i) => {
      const said = answers[i] ?? '';
      if (voters.has(id)) expect(said, id).not.toMatch(/already/);
      else expect(said, id).toMatch(/was already decided/);
    });
    const kinds = (await recordsOf(a, e.id)).map((r) => r.kind);
    expect(kinds.filter((k) => k === 'approval.approved')).toHaveLength(1);
  }, 120_000);
});
