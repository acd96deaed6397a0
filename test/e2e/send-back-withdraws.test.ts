import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyLog } from '../../src/services/decision-log-service.js';
import { APPROVAL, DIAGNOSTIC_FORM } from '../../src/slack/ids.js';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';
import {
  approvalPosts,
  commandReply,
  EXECS,
  eventually,
  grantPeople,
  json,
  OPERATOR,
  recordsOf,
  requestsOf,
  responsesTo,
  reviewedEngagement,
  stageOf,
  steppingClock,
} from '../support/approval-fixtures.js';

// Sending the Diagnostic outputs back while execution requirements wait for approval withdraws
// the request in the same change: nobody can approve it any more, every DM loses its buttons,
// and after the next Output Review the requirements go out again as a new request.

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ clock: steppingClock() });
  await grantPeople(h);
});
afterAll(async () => {
  await h?.stop();
});
beforeEach(() => h.fake.reset());

const [ERIN, FRANK] = EXECS;

const updatesOf = (channel: string, ts: string) =>
  h.fake.callsTo('chat.update').filter((c) => c.args.channel === channel && c.args.ts === ts);

/** Resolves once the app has finished every request (the follow-ups of a vote are done). */
const quiet = () => h.app.idle();

const homesPublished = () => h.fake.callsTo('views.publish').map((c) => c.args.user_id);

/** `/amos <text>`: acked empty at once, the outcome posted to the response_url. */
async function decided(userId: string, text: string): Promise<string> {
  const res = await h.driver.command(userId, text);
  expect(res.json ?? {}).toEqual({});
  const [reply] = await responsesTo(h, res.responseUrl);
  return String(reply?.body.text ?? '');
}

function diagnosticValues() {
  const A = DIAGNOSTIC_FORM.inputAction;
  const B = DIAGNOSTIC_FORM.blocks;
  const text = (value: string) => ({ [A]: { type: 'plain_text_input', value } });
  return {
    [B.priorities]: text('1. Retention\n2. Activation'),
    [B.scores]: text('retention: 38\nactivation: 61'),
    [B.findings]: text('Churn concentrates in month two, per Q2 data.'),
    [B.recommendedScope]: text('Lifecycle email program'),
  };
}

describe('send-back while EX-1 waits for approval', () => {
  it('withdraws EX-1 in the same change, strips every DM of its buttons, and EX-2 goes out after re-review', async () => {
    const e = await reviewedEngagement(h, { sponsorIds: [ERIN, FRANK], requiredApprovals: 2 });
    const submitted = await commandReply(h, OPERATOR, `scope ${e.slug} submit`);
    expect(submitted.text).toContain('*EX-1* is out for approval');
    const posts = approvalPosts(h, 'EX-1');
    expect(posts.map((p) => p.user).sort()).toEqual([ERIN, FRANK].sort());
    const [request] = await requestsOf(h, e.id);
    if (!request) throw new Error('no request');
    const erinsDm = posts.find((p) => p.user === ERIN);
    const franksDm = posts.find((p) => p.user === FRANK);
    if (!erinsDm || !franksDm) throw new Error('a sponsor got no DM');
    const click = (userId: string, at: { channel: string; ts: string }) =>
      h.driver.blockAction(
        userId,
        {
          actionId: APPROVAL.approveAction,
          blockId: APPROVAL.actionsBlock(request.id),
          value: request.id,
        },
        { channelId: at.channel, messageTs: at.ts },
      );
    await click(ERIN, erinsDm);
    // Refreshes render the latest state and may run more than once; each copy is updated.
    await eventually(() => {
      for (const post of posts) expect(updatesOf(post.channel, post.ts).length).toBeGreaterThan(0);
    });
    await quiet();
    h.fake.reset();

    // Frank sends the outputs back: EX-1 (1 of 2 so far) is withdrawn with it.
    const reply = await decided(FRANK, `review ${e.slug} send-back Scores need Q2 evidence`);
    expect(reply).toContain('back to draft');
    expect(reply).toContain('EX-1 was withdrawn');
    expect(await stageOf(h, e.id)).toBe('draft');
    const [withdrawn] = await requestsOf(h, e.id);
    expect(withdrawn).toMatchObject({ ref: 'EX-1', status: 'withdrawn', withdrawn_by: FRANK });
    expect(withdrawn?.decided_at).toBeInstanceOf(Date);
    expect(withdrawn?.votes.map((v) => v.userId)).toEqual([ERIN]);

    const records = await recordsOf(h, e.id);
    expect(records.map((r) => r.kind)).toEqual([
      'approval.requested',
      'approval.vote_cast',
      'engagement.sent_back',
      'approval.withdrawn',
    ]);
    const [sentBack, withdrawal] = records.slice(-2);
    expect(withdrawal).toMatchObject({ subject_ref: 'EX-1', actor_id: FRANK });
    expect(withdrawal?.details).toMatchObject({ reason: 'outputs sent back' });
    expect(withdrawal?.seq).toBe((sentBack?.seq ?? 0) + 1);
    const times = await h.db
      .selectFrom('decision_record')
      .select(['chain_key', 'at'])
      .where('team_id', '=', TEAM.id)
      .where('engagement_id', '=', e.id)
      .where('seq', 'in', [sentBack?.seq ?? 0, withdrawal?.seq ?? 0])
      .execute();
    expect(new Set(times.map((t) => t.chain_key)).size).toBe(1);
    expect(new Set(times.map((t) => t.at.toISOString())).size).toBe(1);
    const [chain] = await verifyLog(h.db, { teamId: TEAM.id, engagementSlug: e.slug });
    expect(chain?.verification.ok).toBe(true);

    // Both sponsors' DMs are updated in place: withdrawn, by whom and when, no buttons; App
    // Home ("waiting on you" lists every pending request to every executive) is republished.
    await quiet();
    for (const post of posts) {
      expect(updatesOf(post.channel, post.ts).length).toBeGreaterThan(0);
      const blocks = json(updatesOf(post.channel, post.ts).at(-1)?.args.blocks);
      expect(blocks).toContain('*Withdrawn*: the Diagnostic outputs were sent back on <!date^');
      expect(blocks).toContain(`by <@${FRANK}>`);
      expect(blocks).not.toContain(APPROVAL.approveAction);
      expect(blocks).not.toContain(APPROVAL.rejectAction);
    }
    await eventually(() => expect(homesPublished()).toEqual(expect.arrayContaining([...EXECS])));
    const operatorDm = h.fake.directMessages(TEAM.id, OPERATOR).at(-1);
    expect(operatorDm?.text).toContain('EX-1 was withdrawn');

    // A stale Approve button in Frank's DM changes nothing.
    const stale = await click(FRANK, franksDm);
    const [refused] = await responsesTo(h, stale.responseUrl);
    expect(json(refused?.body)).toContain('was withdrawn');
    expect(json(refused?.body)).toContain('Withdrawn');

    // Re-review: the operator submits v2, Erin confirms it.
    const resubmitted = await h.driver.viewSubmission(OPERATOR, {
      callbackId: DIAGNOSTIC_FORM.callbackId,
      privateMetadata: JSON.stringify({ engagementId: e.id }),
      values: diagnosticValues(),
    });
    expect(resubmitted.json ?? {}).not.toHaveProperty('response_action');
    expect(await stageOf(h, e.id)).toBe('diagnostic_submitted');
    expect(await decided(ERIN, `review ${e.slug} confirm`)).toContain('confirmed DX-1 v2');
    expect(await stageOf(h, e.id)).toBe('outputs_reviewed');

    // EX-1 stays closed: a vote on it is refused and nothing is written.
    const before = (await recordsOf(h, e.id)).length;
    const vote = await commandReply(h, FRANK, `approve ${e.slug} EX-1 Fine now`);
    expect(vote.text).toContain('EX-1');
    expect(vote.text).toContain('was withdrawn');
    expect((await requestsOf(h, e.id))[0]).toMatchObject({ status: 'withdrawn' });
    expect((await recordsOf(h, e.id)).length).toBe(before);
    expect(await stageOf(h, e.id)).toBe('outputs_reviewed');

    // The requirements go out again as EX-2, with fresh buttons.
    h.fake.reset();
    const again = await commandReply(h, OPERATOR, `scope ${e.slug} submit`);
    expect(again.text).toContain('*EX-2* is out for approval');
    expect((await requestsOf(h, e.id)).map((r) => [r.ref, r.status])).toEqual([
      ['EX-1', 'withdrawn'],
      ['EX-2', 'pending'],
    ]);
    const fresh = approvalPosts(h, 'EX-2');
    expect(fresh).toHaveLength(2);
    expect(json(fresh.find((p) => p.user === FRANK)?.call.args.blocks)).toContain(
      APPROVAL.approveAction,
    );
    expect(h.fake.violations).toEqual([]);
  });

  it('withdraws nothing when no request is pending', async () => {
    const e = await reviewedEngagement(h, { sponsorIds: [ERIN, FRANK] });
    const reply = await decided(FRANK, `review ${e.slug} send-back Priorities are out of order`);
    expect(reply).not.toContain('withdrawn');
    expect((await recordsOf(h, e.id)).map((r) => r.kind)).toEqual(['engagement.sent_back']);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(h.fake.callsTo('chat.update')).toEqual([]);
  });
});
