import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyLog } from '../../src/services/decision-log-service.js';
import { APPROVAL, DELIVERY } from '../../src/slack/ids.js';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';
import {
  approvalPosts,
  commandReply,
  EXECS,
  json,
  OPERATOR,
  recordsOf,
  steppingClock,
} from '../support/approval-fixtures.js';
import {
  activeEngagement,
  changeValues,
  deliverValues,
  openedView,
  reviewValues,
} from '../support/delivery-fixtures.js';
import { grant } from '../support/factories.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ clock: steppingClock() });
});
afterAll(async () => {
  await h?.stop();
});
beforeEach(() => h.fake.reset());

async function chainVerifies(slug: string) {
  const [chain] = await verifyLog(h.db, { teamId: TEAM.id, engagementSlug: slug });
  expect(chain?.verification.ok).toBe(true);
}

async function raise(userId: string, slug: string, values: ReturnType<typeof changeValues>) {
  const { view } = await openedView(h, userId, `change ${slug}`);
  expect(view.callback_id).toBe(DELIVERY.changeModal);
  return h.driver.viewSubmission(userId, {
    callbackId: DELIVERY.changeModal,
    privateMetadata: view.private_metadata,
    values,
  });
}

describe('change requests', () => {
  it('a scope change approved 2 of 2 makes scope version 2 while version 1 stays readable', async () => {
    const e = await activeEngagement(h);
    const closed = await raise(
      e.partner,
      e.slug,
      changeValues({
        add: {
          title: 'Referral flow',
          criteria: '10 referrals a week\nTracked in CRM',
          due: '2027-01-20',
        },
      }),
    );
    expect(closed.status).toBe(200);
    expect(closed.json).toBeUndefined();
    const [cr] = await h.db
      .selectFrom('change_request')
      .selectAll()
      .where('engagement_id', '=', e.engagement.id)
      .execute();
    expect(cr).toMatchObject({
      ref: 'CR-1',
      type: 'scope',
      raised_by: e.partner,
      scope_version: null,
    });

    await h.app.idle();
    expect(
      approvalPosts(h, 'CR-1')
        .map((p) => p.user)
        .sort(),
    ).toEqual([...EXECS].sort());

    const partnerVote = await commandReply(h, e.partner, `approve ${e.slug} CR-1`);
    expect(partnerVote.text).toContain('Only an executive or admin may approve');

    const first = await commandReply(h, EXECS[0], `approve ${e.slug} CR-1 fits the plan`);
    expect(first.text).toContain('CR-1');
    expect(
      (
        await h.db
          .selectFrom('scope_version')
          .selectAll()
          .where('engagement_id', '=', e.engagement.id)
          .execute()
      ).length,
    ).toBe(0);
    await commandReply(h, EXECS[1], `approve ${e.slug} CR-1`);

    const versions = await h.db
      .selectFrom('scope_version')
      .selectAll()
      .where('engagement_id', '=', e.engagement.id)
      .orderBy('version')
      .execute();
    expect(versions.map((v) => [v.version, v.change_ref, v.items.map((i) => i.ref)])).toEqual([
      [1, null, ['SC-1']],
      [2, 'CR-1', ['SC-1', 'SC-2']],
    ]);
    const items = await h.db
      .selectFrom('scope_item')
      .select(['ref', 'title', 'version'])
      .where('engagement_id', '=', e.engagement.id)
      .orderBy('ref')
      .execute();
    expect(items).toEqual([
      { ref: 'SC-1', title: 'Lifecycle email program', version: 1 },
      { ref: 'SC-2', title: 'Referral flow', version: 2 },
    ]);
    const v1 = await commandReply(h, EXECS[2], `scope ${e.slug} --version 1`);
    expect(json(v1.body.blocks)).toContain('SC-1');
    expect(json(v1.body.blocks)).not.toContain('Referral flow');
    expect(v1.text).toContain('current is 2');
    const v2 = await commandReply(h, e.partner, `scope ${e.slug} --version 2`);
    expect(json(v2.body.blocks)).toContain('Referral flow');

    // Told once each, as jobs: the partner channel what changed, the raiser that it was approved.
    const posts = h.fake.callsTo('chat.postMessage');
    const inChannel = posts.filter((c) => c.args.channel === e.channelId);
    expect(inChannel).toHaveLength(1);
    expect(String(inChannel[0]?.args.text)).toContain('CR-1 approved');
    expect(json(inChannel[0]?.args.blocks)).toContain('*SC-2* Referral flow · due 2027-01-20');
    expect(posts.filter((c) => c.args.channel === e.partner)).toHaveLength(1);

    const kinds = (await recordsOf(h, e.engagement.id)).map((r) => [r.kind, r.subject_ref]);
    expect(kinds).toEqual([
      ['change_request.raised', 'CR-1'],
      ['approval.vote_cast', 'CR-1'],
      ['approval.approved', 'CR-1'],
      ['scope.amended', 'CR-1'],
    ]);
    await chainVerifies(e.slug);
    expect(h.fake.violations).toEqual([]);
  });

  it('the raiser may not approve it whatever roles they hold; a rejected one changes nothing', async () => {
    const e = await activeEngagement(h);
    await grant(h.db, TEAM.id, OPERATOR, 'executive');
    const closed = await raise(
      OPERATOR,
      e.slug,
      changeValues({ type: 'timeline', description: 'Move the launch a week' }),
    );
    expect(closed.json).toBeUndefined();
    const own = await commandReply(h, OPERATOR, `approve ${e.slug} CR-1`);
    expect(own.text).toContain('separation of duties');
    // The Approve button on an executive's DM goes through the same vote path.
    const [request0] = await h.db
      .selectFrom('approval_request')
      .selectAll()
      .where('engagement_id', '=', e.engagement.id)
      .execute();
    const dm = approvalPosts(h, 'CR-1').find((p) => p.user === EXECS[1]);
    expect(dm).toBeDefined();
    const click = await h.driver.blockAction(
      EXECS[1],
      {
        actionId: APPROVAL.approveAction,
        blockId: APPROVAL.actionsBlock(request0?.id ?? ''),
        value: request0?.id ?? '',
      },
      { channelId: dm?.channel ?? '', messageTs: dm?.ts ?? '' },
    );
    expect(click.status).toBe(200);
    await h.app.idle();
    const tallied = await h.db
      .selectFrom('approval_request')
      .select(['votes', 'status'])
      .where('id', '=', request0?.id ?? '')
      .executeTakeFirstOrThrow();
    expect(tallied.status).toBe('pending');
    expect(tallied.votes.map((v) => v.userId)).toEqual([EXECS[1]]);
    const rejected = await commandReply(
      h,
      EXECS[0],
      `reject ${e.slug} CR-1 the launch date is fixed`,
    );
    expect(rejected.text).toContain('CR-1');
    const [request] = await h.db
      .selectFrom('approval_request')
      .selectAll()
      .where('engagement_id', '=', e.engagement.id)
      .execute();
    expect(request).toMatchObject({ subject: 'change_request', status: 'rejected' });
    expect(
      await h.db
        .selectFrom('scope_version')
        .selectAll()
        .where('engagement_id', '=', e.engagement.id)
        .execute(),
    ).toEqual([]);
    await chainVerifies(e.slug);
  });

  it('a change request is refused before the partner acknowledged the charter', async () => {
    const e = await activeEngagement(h, { acked: false });
    const reply = await commandReply(h, e.partner, `change ${e.slug}`);
    expect(reply.text).toContain('Acknowledge the engagement charter');
    expect(h.fake.callsTo('views.open')).toEqual([]);
  });
});

describe('deliverables', () => {
  it('offers only approved scope items and refuses one outside the approved scope', async () => {
    const e = await activeEngagement(h);
    const { view } = await openedView(h, e.partner, `deliver ${e.slug}`);
    expect(view.callback_id).toBe(DELIVERY.deliverModal);
    expect(json(view.blocks)).toContain('"value":"SC-1"');
    const outside = await h.driver.viewSubmission(e.partner, {
      callbackId: DELIVERY.deliverModal,
      privateMetadata: view.private_metadata,
      values: deliverValues({ item: 'SC-9' }),
    });
    expect(outside.json).toMatchObject({
      response_action: 'errors',
      errors: { [DELIVERY.deliver.item]: expect.stringContaining('not in the approved scope') },
    });
    const http = await h.driver.viewSubmission(e.partner, {
      callbackId: DELIVERY.deliverModal,
      privateMetadata: view.private_metadata,
      values: deliverValues({ item: 'SC-1', link: 'http://docs.example.com' }),
    });
    expect(http.json).toMatchObject({
      errors: { [DELIVERY.deliver.link]: expect.stringContaining('https://') },
    });
    expect(
      await h.db
        .selectFrom('deliverable')
        .selectAll()
        .where('engagement_id', '=', e.engagement.id)
        .execute(),
    ).toEqual([]);
  });

  it('none before activation, and none before the charter is acknowledged', async () => {
    const before = await activeEngagement(h, { stage: 'execution_approved' });
    const early = await commandReply(h, before.partner, `deliver ${before.slug}`);
    expect(early.text).toMatch(/activate/i);
    const unacked = await activeEngagement(h, { acked: false });
    const reply = await commandReply(h, unacked.partner, `deliver ${unacked.slug}`);
    expect(reply.text).toContain('Acknowledge the engagement charter');
    expect(h.fake.callsTo('views.open')).toEqual([]);
  });

  it('one unmet criterion returns it naming that criterion; resubmitted, it is accepted', async () => {
    const e = await activeEngagement(h);
    const submit = async () => {
      const { view } = await openedView(h, e.partner, `deliver ${e.slug}`);
      const res = await h.driver.viewSubmission(e.partner, {
        callbackId: DELIVERY.deliverModal,
        privateMetadata: view.private_metadata,
        values: deliverValues({ item: 'SC-1' }),
      });
      expect(res.json).toBeUndefined();
    };
    const review = async (rows: { met: boolean; note?: string }[]) => {
      const { view, responseUrl } = await openedView(h, OPERATOR, `deliver ${e.slug} review DL-1`);
      expect(view.callback_id).toBe(DELIVERY.reviewModal);
      expect(json(view.blocks)).toContain('QA signed off');
      const res = await h.driver.viewSubmission(OPERATOR, {
        callbackId: DELIVERY.reviewModal,
        privateMetadata: view.private_metadata,
        values: reviewValues(rows),
      });
      return { res, responseUrl };
    };
    await submit();
    const bare = await review([{ met: true }, { met: false }]);
    expect(bare.res.json).toMatchObject({
      errors: { [DELIVERY.criterionNoteBlock(1)]: expect.stringContaining('needs a note') },
    });
    const returned = await review([{ met: true }, { met: false, note: 'No QA sign-off attached' }]);
    expect(returned.res.json).toBeUndefined();
    const [notice] = await (await import('../support/approval-fixtures.js')).responsesTo(
      h,
      returned.responseUrl,
    );
    expect(String(notice?.body.text)).toContain('"QA signed off" (No QA sign-off attached)');
    let [dl] = await h.db
      .selectFrom('deliverable')
      .selectAll()
      .where('engagement_id', '=', e.engagement.id)
      .execute();
    expect(dl).toMatchObject({ ref: 'DL-1', status: 'returned', version: 1 });

    await submit();
    const accepted = await review([{ met: true }, { met: true, note: 'Signed by QA lead' }]);
    expect(accepted.res.json).toBeUndefined();
    [dl] = await h.db
      .selectFrom('deliverable')
      .selectAll()
      .where('engagement_id', '=', e.engagement.id)
      .execute();
    expect(dl).toMatchObject({ ref: 'DL-1', status: 'accepted', version: 2 });
    const results = await h.db
      .selectFrom('criterion_result')
      .select(['version', 'position', 'met', 'note'])
      .where('deliverable_id', '=', dl?.id ?? '')
      .orderBy('version')
      .orderBy('position')
      .execute();
    expect(results).toEqual([
      { version: 1, position: 0, met: true, note: '' },
      { version: 1, position: 1, met: false, note: 'No QA sign-off attached' },
      { version: 2, position: 0, met: true, note: '' },
      { version: 2, position: 1, met: true, note: 'Signed by QA lead' },
    ]);
    const item = await h.db
      .selectFrom('scope_item')
      .select(['done_by_ref'])
      .where('engagement_id', '=', e.engagement.id)
      .where('ref', '=', 'SC-1')
      .executeTakeFirstOrThrow();
    expect(item.done_by_ref).toBe('DL-1');
    const records = await recordsOf(h, e.engagement.id);
    expect(records.map((r) => r.kind)).toEqual([
      'deliverable.submitted',
      'deliverable.returned',
      'deliverable.submitted',
      'deliverable.accepted',
    ]);
    expect(records[1]?.details).toMatchObject({ unmet: ['QA signed off'] });
    await chainVerifies(e.slug);
    expect(h.fake.violations).toEqual([]);
  });
});

describe('stage reviews', () => {
  it('refused while a deliverable waits, then approved 2 of 2 with a recorded reason', async () => {
    const e = await activeEngagement(h);
    const { view } = await openedView(h, e.partner, `deliver ${e.slug}`);
    await h.driver.viewSubmission(e.partner, {
      callbackId: DELIVERY.deliverModal,
      privateMetadata: view.private_metadata,
      values: deliverValues({ item: 'SC-1' }),
    });
    const submitted = await commandReply(
      h,
      e.partner,
      `stage ${e.slug} ST-1 Email program live, QA pending`,
    );
    expect(submitted.text).toContain('SR-1');
    expect(
      approvalPosts(h, 'SR-1')
        .map((p) => p.user)
        .sort(),
    ).toEqual([...EXECS].sort());
    const status = json((await commandReply(h, EXECS[0], `status ${e.slug}`)).body.blocks);
    expect(status).toContain('*Deliverables waiting for review:* \\n• *DL-1* for SC-1');
    expect(status).toContain(
      '*Next stage review:* ST-1 Mid-point review · 2026-12-31 · SR-1 pending',
    );
    const own = await commandReply(h, e.partner, `approve ${e.slug} SR-1`);
    expect(own.text).toContain('Only an executive or admin may approve');
    const blocked = await commandReply(h, EXECS[0], `approve ${e.slug} SR-1`);
    expect(blocked.text).toContain("SR-1 can't be approved while DL-1 waits for review");
    await commandReply(h, EXECS[0], `approve ${e.slug} SR-1 QA reviewed in the workshop`);
    await commandReply(h, EXECS[1], `approve ${e.slug} SR-1 agreed, DL-1 is a formality`);
    const [request] = await h.db
      .selectFrom('approval_request')
      .selectAll()
      .where('engagement_id', '=', e.engagement.id)
      .execute();
    expect(request).toMatchObject({ ref: 'SR-1', subject: 'stage_review', status: 'approved' });
    const records = await recordsOf(h, e.engagement.id);
    expect(records.map((r) => [r.kind, r.subject_ref])).toEqual([
      ['deliverable.submitted', 'DL-1'],
      ['stage_review.submitted', 'SR-1'],
      ['approval.vote_cast', 'SR-1'],
      ['approval.approved', 'SR-1'],
      ['stage.passed', 'ST-1'],
    ]);
    expect(records[2]?.details).toMatchObject({
      waitingDeliverables: ['DL-1'],
      overrideReason: 'QA reviewed in the workshop',
    });
    await chainVerifies(e.slug);
  });
});
