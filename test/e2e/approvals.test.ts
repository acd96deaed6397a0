import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { APPROVAL } from '../../src/slack/ids.js';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';
import {
  approvalPosts,
  commandReply,
  EXECS,
  eventually,
  grantPeople,
  json,
  OPERATOR,
  PARTNER,
  recordsOf,
  requestsOf,
  responsesTo,
  reviewedEngagement,
  stageOf,
  steppingClock,
} from '../support/approval-fixtures.js';
import { createPartnerOrg, grant } from '../support/factories.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ clock: steppingClock() });
  await grantPeople(h);
  await createPartnerOrg(h.db, { members: [PARTNER] });
});
afterAll(async () => {
  await h?.stop();
});
beforeEach(() => h.fake.reset());

const [ERIN, FRANK, GRACE] = EXECS;

/** An engagement in outputs_reviewed whose requirements the operator has submitted as EX-1. */
async function submitted(o: Parameters<typeof reviewedEngagement>[1] = {}) {
  const e = await reviewedEngagement(h, o);
  const { text } = await commandReply(h, OPERATOR, `scope ${e.slug} submit`);
  expect(text).toContain('*EX-1* is out for approval');
  const [request] = await requestsOf(h, e.id);
  if (!request) throw new Error('no request');
  const posts = approvalPosts(h, 'EX-1');
  h.fake.reset();
  return { e, request, posts };
}

const updatesOf = (channel: string, ts: string) =>
  h.fake.callsTo('chat.update').filter((c) => c.args.channel === channel && c.args.ts === ts);

const clickApprove = (userId: string, requestId: string, at: { channel: string; ts: string }) =>
  h.driver.blockAction(
    userId,
    {
      actionId: APPROVAL.approveAction,
      blockId: APPROVAL.actionsBlock(requestId),
      value: requestId,
    },
    { channelId: at.channel, messageTs: at.ts },
  );

describe('2 of 3 executives', () => {
  it('stays pending after the first approval and passes on the second, every DM updated in place', async () => {
    const { e, request, posts } = await submitted({ requiredApprovals: 2 });
    expect(posts).toHaveLength(3);
    const erinsDm = posts.find((p) => p.user === ERIN);
    if (!erinsDm) throw new Error('no DM for Erin');

    // Erin approves with the button in her DM.
    await clickApprove(ERIN, request.id, erinsDm);
    await eventually(() => expect(h.fake.callsTo('chat.update')).toHaveLength(3));
    const [pending] = await requestsOf(h, e.id);
    expect(pending?.status).toBe('pending');
    expect(pending?.votes.map((v) => v.userId)).toEqual([ERIN]);
    expect(await stageOf(h, e.id)).toBe('outputs_reviewed');
    for (const post of posts) {
      const [update] = updatesOf(post.channel, post.ts);
      expect(update, `copy of ${post.user} updated in place`).toBeDefined();
      expect(json(update?.args.blocks)).toContain(`1 of 2 approvals: <@${ERIN}> (<!date^`);
      // Those who have not voted keep their buttons; Erin's copy says she approved.
      expect(json(update?.args.blocks).includes(APPROVAL.approveAction)).toBe(post.user !== ERIN);
    }
    expect(h.fake.directMessages(TEAM.id, OPERATOR).map((m) => m.text)).not.toContainEqual(
      expect.stringContaining('approved'),
    );

    // Frank approves by command, with a note and no slug (the ref is unambiguous).
    h.fake.reset();
    const reply = await commandReply(h, FRANK, 'approve EX-1 Criteria are measurable. Go.');
    expect(reply.text).toContain('EX-1 is approved (2 of 2)');
    expect(reply.text).toContain('/amos activate');
    const [approved] = await requestsOf(h, e.id);
    expect(approved?.status).toBe('approved');
    expect(approved?.decided_at).toBeInstanceOf(Date);
    expect(await stageOf(h, e.id)).toBe('execution_approved');
    // Erin's refresh may still be re-reading when Frank votes, so a copy can be updated more
    // than once; what counts is that each copy ends decided.
    for (const post of posts) {
      const updates = updatesOf(post.channel, post.ts);
      expect(updates.length).toBeGreaterThanOrEqual(1);
      const blocks = json(updates.at(-1)?.args.blocks);
      expect(blocks).toContain('*Approved* by');
      expect(blocks).toContain(`<@${ERIN}>`);
      expect(blocks).toContain(`<@${FRANK}>`);
      expect(blocks).toContain('Criteria are measurable. Go.');
      expect(blocks).toContain('<!date^');
      expect(blocks).not.toContain(APPROVAL.approveAction);
    }
    const told = h.fake.directMessages(TEAM.id, OPERATOR).at(-1);
    expect(told?.text).toContain('EX-1 (');
    expect(json(told?.blocks)).toContain('were approved');
    const kinds = (await recordsOf(h, e.id)).map((r) => r.kind);
    expect(kinds).toEqual([
      'approval.requested',
      'approval.vote_cast',
      'approval.approved',
      'engagement.execution_approved',
    ]);
    expect(h.fake.violations).toEqual([]);
  });

  it('answers a second click by the same executive politely and counts one vote', async () => {
    const { e, request, posts } = await submitted({ requiredApprovals: 2 });
    const dm = posts.find((p) => p.user === GRACE);
    if (!dm) throw new Error('no DM');
    await clickApprove(GRACE, request.id, dm);
    await eventually(() => expect(h.fake.callsTo('chat.update')).toHaveLength(3));
    const again = await clickApprove(GRACE, request.id, dm);
    const [reply] = await responsesTo(h, again.responseUrl);
    expect(String(reply?.body.text)).toContain('You already approved EX-1');
    const [stored] = await requestsOf(h, e.id);
    expect(stored?.votes).toHaveLength(1);
    expect((await recordsOf(h, e.id)).map((r) => r.kind)).toEqual([
      'approval.requested',
      'approval.vote_cast',
    ]);
  });
});

describe('who may approve', () => {
  it('refuses an operator who is also an executive on requirements they authored', async () => {
    const both = 'U0BOTH';
    await grant(h.db, TEAM.id, both, 'operator', 'executive');
    const e = await reviewedEngagement(h, { operatorId: both, sponsorIds: [both, ERIN] });
    await commandReply(h, both, `scope ${e.slug} submit`);
    const own = approvalPosts(h, 'EX-1').find((p) => p.user === both);
    expect(json(own?.call.args.blocks)).not.toContain(APPROVAL.approveAction);
    expect(json(own?.call.args.blocks)).toContain('separation of duties');
    h.fake.reset();

    const { text } = await commandReply(h, both, `approve ${e.slug} EX-1`);
    expect(text).toContain('another executive must decide on it (separation of duties)');
    const list = await commandReply(h, both, `approve ${e.slug}`);
    expect(list.text).toContain('Nothing in');
    const [request] = await requestsOf(h, e.id);
    expect(request?.votes).toEqual([]);
    expect(await stageOf(h, e.id)).toBe('outputs_reviewed');
    expect((await recordsOf(h, e.id)).map((r) => r.kind)).toEqual(['approval.requested']);
    expect(h.fake.callsTo('chat.update')).toEqual([]);
  });

  it('refuses a partner and changes nothing', async () => {
    const { e } = await submitted();
    const { text } = await commandReply(h, PARTNER, `approve ${e.slug} EX-1`);
    expect(text).toContain('Only an executive or admin may approve or reject requests');
    const list = await commandReply(h, PARTNER, 'approve');
    expect(list.text).toContain('Only an executive or admin');
    const [request] = await requestsOf(h, e.id);
    expect(request).toMatchObject({ status: 'pending', votes: [] });
    expect(await stageOf(h, e.id)).toBe('outputs_reviewed');
    expect((await recordsOf(h, e.id)).map((r) => r.kind)).toEqual(['approval.requested']);
    expect(h.fake.callsTo('chat.update')).toEqual([]);
  });
});

describe('/amos approve with no reference', () => {
  it('lists what waits on the caller with buttons, and says so kindly when nothing does', async () => {
    const a = await submitted();
    const b = await submitted();
    const { body } = await commandReply(h, ERIN, 'approve');
    const blocks = json(body.blocks);
    expect(blocks).toContain(APPROVAL.actionsBlock(a.request.id));
    expect(blocks).toContain(APPROVAL.actionsBlock(b.request.id));
    expect(blocks).toContain(a.e.slug.toUpperCase());

    const noRole = await commandReply(h, 'U0NOROLE', 'approve');
    expect(noRole.text).toContain("You don't have an AMOS role");
    // Filtered by engagement; once the caller has decided it, nothing there waits on them.
    await grant(h.db, TEAM.id, 'U0QUIET', 'executive');
    const before = await commandReply(h, 'U0QUIET', `approve ${a.e.slug}`);
    expect(json(before.body.blocks)).toContain(APPROVAL.actionsBlock(a.request.id));
    expect(json(before.body.blocks)).not.toContain(APPROVAL.actionsBlock(b.request.id));
    await commandReply(h, 'U0QUIET', `approve ${a.e.slug} EX-1`);
    const after = await commandReply(h, 'U0QUIET', `approve ${a.e.slug}`);
    expect(after.text).toContain(`Nothing in ${a.e.slug.toUpperCase()} waits on your decision`);
    const requester = await commandReply(h, OPERATOR, 'approve');
    expect(requester.text).toContain('Only an executive or admin');

    // The same ref in two engagements: the slug is needed, and the candidates are listed.
    const ambiguous = await commandReply(h, ERIN, 'approve EX-1 fine');
    expect(ambiguous.text).toContain('say which one');
    expect(ambiguous.text).toContain(`/amos approve ${b.e.slug} EX-1 fine`);
  });

  it('reads an ambiguous ref as the one of the partner channel it is typed in', async () => {
    await submitted();
    const inChannel = await submitted({ partnerChannelId: 'C0PARTNERX' });
    const { text } = await commandReply(h, ERIN, 'approve EX-1', { channelId: 'C0PARTNERX' });
    expect(text).toContain('EX-1 is approved (1 of 1)');
    expect(await stageOf(h, inChannel.e.id)).toBe('execution_approved');
    const unclear = await commandReply(h, ERIN, 'approve looks good');
    expect(unclear.text).toContain("I couldn't read that");
    const scopeRef = await commandReply(h, ERIN, `approve ${inChannel.e.slug} SC-1`);
    expect(scopeRef.text).toContain('SC-1 is a scope item, which is not approved on its own');
  });

  it('approves from the list, replacing the list with what happened', async () => {
    const { e, request } = await submitted();
    const click = await h.driver.blockAction(
      GRACE,
      { actionId: APPROVAL.approveAction, value: request.id },
      { channelId: 'C0GENERAL', messageTs: '1700000000.000100' },
    );
    const [reply] = await responsesTo(h, click.responseUrl);
    expect(reply?.body.replace_original).toBe(true);
    expect(json(reply?.body.blocks)).toContain('EX-1 is approved (1 of 1)');
    expect(await stageOf(h, e.id)).toBe('execution_approved');
  });
});

describe('rejecting', () => {
  it('rejects by command with a reason, updates every copy and tells the requester', async () => {
    const { e, posts } = await submitted({ requiredApprovals: 2 });
    const missing = await commandReply(h, ERIN, `reject ${e.slug} EX-1`);
    expect(missing.text).toContain('a rejection needs a reason');
    expect((await requestsOf(h, e.id))[0]?.status).toBe('pending');

    const { text } = await commandReply(
      h,
      ERIN,
      `reject ${e.slug} EX-1 Criteria are not measurable`,
    );
    expect(text).toContain('EX-1 (');
    expect(text).toContain('is rejected');
    const [request] = await requestsOf(h, e.id);
    expect(request?.status).toBe('rejected');
    expect(await stageOf(h, e.id)).toBe('outputs_reviewed');
    for (const post of posts) {
      const blocks = json(updatesOf(post.channel, post.ts)[0]?.args.blocks);
      expect(blocks).toContain(`*Rejected* by <@${ERIN}>`);
      expect(blocks).toContain('Criteria are not measurable');
    }
    const told = h.fake.directMessages(TEAM.id, OPERATOR).at(-1);
    expect(json(told?.blocks)).toContain('were rejected');
    expect(json(told?.blocks)).toContain(`/amos scope ${e.slug}`);
    expect((await recordsOf(h, e.id)).map((r) => r.kind)).toEqual([
      'approval.requested',
      'approval.rejected',
    ]);
    // The requirements can be revised and submitted again as EX-2.
    const again = await commandReply(h, OPERATOR, `scope ${e.slug} submit`);
    expect(again.text).toContain('*EX-2* is out for approval');
  });

  it('rejects from the button through a modal that insists on a reason', async () => {
    const { e, request, posts } = await submitted();
    const dm = posts.find((p) => p.user === FRANK);
    if (!dm) throw new Error('no DM');
    await h.driver.blockAction(
      FRANK,
      { actionId: APPROVAL.rejectAction, value: request.id },
      { channelId: dm.channel, messageTs: dm.ts },
    );
    const opened = await h.fake.waitFor('views.open');
    const view = opened.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(APPROVAL.rejectModal);
    const reason = (value: string) => ({
      [APPROVAL.reasonBlock]: { [APPROVAL.reasonAction]: { type: 'plain_text_input', value } },
    });
    const empty = await h.driver.viewSubmission(FRANK, {
      callbackId: APPROVAL.rejectModal,
      privateMetadata: view.private_metadata,
      values: reason('   '),
    });
    expect(empty.json).toMatchObject({
      response_action: 'errors',
      errors: { [APPROVAL.reasonBlock]: expect.stringContaining('reason') },
    });
    expect((await requestsOf(h, e.id))[0]?.status).toBe('pending');
    const done = await h.driver.viewSubmission(FRANK, {
      callbackId: APPROVAL.rejectModal,
      privateMetadata: view.private_metadata,
      values: reason('Stage dates are too tight'),
    });
    expect(done.text).toBe('');
    expect((await requestsOf(h, e.id))[0]?.status).toBe('rejected');
    await eventually(() => expect(updatesOf(dm.channel, dm.ts)).toHaveLength(1));
    expect(json(updatesOf(dm.channel, dm.ts)[0]?.args.blocks)).toContain(
      'Stage dates are too tight',
    );
  });
});

describe('concurrency', () => {
  it('two executives approving at once (N=1) yield one transition; the other is told it was decided', async () => {
    const { e, request, posts } = await submitted();
    const [one, two] = posts;
    if (!one || !two) throw new Error('two DMs expected');
    const clicks = await Promise.all([
      clickApprove(one.user, request.id, one),
      clickApprove(two.user, request.id, two),
    ]);
    const kinds = async () => (await recordsOf(h, e.id)).map((r) => r.kind);
    await eventually(async () => expect(await kinds()).toContain('engagement.execution_approved'));
    const loser = await Promise.race(
      clicks.map(async (c) => {
        const [r] = await responsesTo(h, c.responseUrl);
        return String(r?.body.text);
      }),
    );
    expect(loser).toContain('was already decided');
    expect(await kinds()).toEqual([
      'approval.requested',
      'approval.approved',
      'engagement.execution_approved',
    ]);
    const [stored] = await requestsOf(h, e.id);
    expect(stored?.votes).toHaveLength(1);
    expect(await stageOf(h, e.id)).toBe('execution_approved');
  });

  it('two executives approving at once (N=2): every copy ends showing the decision, without buttons', async () => {
    // The deterministic form of this race (a slow render held back) is in
    // test/services/approval-service.test.ts; this is the same through signed requests.
    const { e, request, posts } = await submitted({ requiredApprovals: 2 });
    // Clicking in a list (not a stored copy) makes each reply come after all the Slack work of
    // that vote, so both refreshes are done once both replies arrived.
    const clicks = await Promise.all(
      [ERIN, FRANK].map((userId) =>
        h.driver.blockAction(
          userId,
          { actionId: APPROVAL.approveAction, value: request.id },
          { channelId: 'C0GENERAL', messageTs: '1700000000.000200' },
        ),
      ),
    );
    await Promise.all(clicks.map((c) => responsesTo(h, c.responseUrl)));
    const [stored] = await requestsOf(h, e.id);
    expect(stored?.status).toBe('approved');
    expect(stored?.votes.map((v) => v.userId).sort()).toEqual([ERIN, FRANK].sort());
    expect(posts).toHaveLength(3);
    for (const post of posts) {
      // Slack shows the last update it received for a message (calls are kept in arrival order).
      const latest = updatesOf(post.channel, post.ts).at(-1);
      expect(latest, `copy of ${post.user} updated`).toBeDefined();
      const blocks = json(latest?.args.blocks);
      expect(blocks, `copy of ${post.user}`).toContain('*Approved* by');
      expect(blocks, `copy of ${post.user}`).not.toContain(APPROVAL.approveAction);
      expect(blocks).not.toContain('1 of 2 approvals');
    }
    expect((await recordsOf(h, e.id)).map((r) => r.kind)).toEqual([
      'approval.requested',
      'approval.vote_cast',
      'approval.approved',
      'engagement.execution_approved',
    ]);
  });
});

describe('a copy Slack will not update', () => {
  it('is recorded as slack.error in the engagement chain and the requester is told', async () => {
    const { e } = await submitted();
    h.fake.failNext('chat.update', { error: 'message_not_found' });
    const { text } = await commandReply(h, ERIN, `approve ${e.slug} EX-1`);
    expect(text).toContain('EX-1 is approved (1 of 1)');
    const updates = h.fake.callsTo('chat.update');
    const failed = updates.find((c) => c.response.ok === false);
    expect(failed?.response.error).toBe('message_not_found');
    const records = await recordsOf(h, e.id);
    const errors = records.filter((r) => r.kind === 'slack.error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      actor_id: OPERATOR,
      details: {
        method: 'chat.update',
        error: 'message_not_found',
        ref: 'EX-1',
        channel: failed?.args.channel,
        ts: failed?.args.ts,
      },
    });
    expect(errors[0]?.summary).toContain('copy of the approval request EX-1 in place');
    const told = h.fake
      .directMessages(TEAM.id, OPERATOR)
      .filter((m) => String(m.text).startsWith('AMOS could not update'));
    expect(told).toHaveLength(1);
    expect(json(told[0]?.blocks)).toContain('`chat.update` answered `message_not_found`');
    expect(json(told[0]?.blocks)).toContain('EX-1 is approved whatever that copy shows');
    expect(h.fake.violations).toEqual([]);
  });
});

// Last in the file: it leaves an EX-1 pending, which would make `approve EX-1` ambiguous above.
describe('a vote while an approval DM is on its way', () => {
  it('that DM too ends showing the vote', async () => {
    const e = await reviewedEngagement(h, { requiredApprovals: 2 });
    // Slack takes the first DM and answers only when the test says so.
    h.fake.delayNext('chat.postMessage', 60_000, 1);
    const submit = await h.driver.command(OPERATOR, `scope ${e.slug} submit`);
    expect(submit.status).toBe(200);
    const held = await h.fake.waitFor(
      (c) => c.method === 'chat.postMessage' && String(c.args.text).includes('EX-1'),
    );
    const stored = () =>
      h.db
        .selectFrom('approval_message')
        .innerJoin(
          'approval_request',
          'approval_request.id',
          'approval_message.approval_request_id',
        )
        .select('approval_message.ts')
        .where('approval_request.engagement_id', '=', e.id)
        .execute();
    await eventually(async () => expect(await stored()).toHaveLength(2));
    const heldUser = String(held.args.channel);
    const voter = EXECS.find((id) => !heldUser.includes(id)) ?? ERIN;
    const vote = await h.driver.command(voter, `approve ${e.slug} EX-1`);
    expect(vote.status).toBe(200);
    // The vote's own refresh updates the two copies stored so far, not the one on its way.
    const updates = () =>
      h.fake.callsTo('chat.update').filter((u) => json(u.args.blocks).includes('1 of 2 approvals'));
    await eventually(() => expect(updates().length).toBeGreaterThanOrEqual(2));
    // Unless the held call already outlasted the client's timeout (AMOS_SLACK_TIMEOUT, 3 s here,
    // reached on a loaded machine) and its retry found the DM in the history and stored it.
    if (h.fake.callsTo('conversations.history').length === 0) {
      expect(updates().filter((u) => u.args.ts === held.response.ts)).toEqual([]);
    }
    h.fake.releaseDelays();
    await h.app.idle();
    const heldUpdates = h.fake
      .callsTo('chat.update')
      .filter((u) => u.args.channel === held.response.channel && u.args.ts === held.response.ts);
    expect(json(heldUpdates.at(-1)?.args.blocks)).toContain(`1 of 2 approvals: <@${voter}>`);
  });
});
