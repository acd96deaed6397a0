import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { APPROVAL, SCOPE } from '../../src/slack/ids.js';
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
  steppingClock,
} from '../support/approval-fixtures.js';
import { createPartnerOrg } from '../support/factories.js';

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

const itemValues = (o: { title?: string; criteria?: string; due?: string | null }) => ({
  [SCOPE.titleBlock]: { [SCOPE.titleAction]: { type: 'plain_text_input', value: o.title ?? '' } },
  [SCOPE.criteriaBlock]: {
    [SCOPE.criteriaAction]: { type: 'plain_text_input', value: o.criteria ?? null },
  },
  [SCOPE.dueBlock]: { [SCOPE.dueAction]: { type: 'datepicker', selected_date: o.due ?? null } },
});

async function scopeItems(engagementId: string) {
  return h.db
    .selectFrom('scope_item')
    .selectAll()
    .where('engagement_id', '=', engagementId)
    .orderBy('ref')
    .execute();
}

describe('/amos scope', () => {
  it('shows scope items, checkpoints and the three buttons to the operator', async () => {
    const e = await reviewedEngagement(h);
    const { body } = await commandReply(h, OPERATOR, `scope ${e.slug}`);
    const blocks = json(body.blocks);
    expect(blocks).toContain('*SC-1* Lifecycle email program · due 15 Dec 2026');
    expect(blocks).toContain('• Open rate above 35%');
    expect(blocks).toContain('*ST-1* Mid-point review · 1 Dec 2026');
    for (const id of [SCOPE.addItemAction, SCOPE.addStageAction, SCOPE.submitAction])
      expect(blocks).toContain(id);
    expect(body.response_type).toBe('ephemeral');
    expect(h.fake.violations).toEqual([]);
  });

  it('adds a scope item through the modal, with inline errors for missing criteria and date', async () => {
    const e = await reviewedEngagement(h, { scopeItems: [], stages: [] });
    const res = await h.driver.command(OPERATOR, `scope ${e.slug} add`);
    expect(res.status).toBe(200);
    const opened = await h.fake.waitFor('views.open');
    const view = opened.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(SCOPE.itemModal);

    const refused = await h.driver.viewSubmission(OPERATOR, {
      callbackId: SCOPE.itemModal,
      privateMetadata: view.private_metadata,
      values: itemValues({ title: 'Lifecycle email program', criteria: '  \n ' }),
    });
    expect(refused.json).toMatchObject({
      response_action: 'errors',
      errors: {
        [SCOPE.criteriaBlock]: expect.stringContaining('at least one acceptance criterion'),
        [SCOPE.dueBlock]: expect.stringContaining('due date'),
      },
    });
    expect(await scopeItems(e.id)).toEqual([]);
    expect(await recordsOf(h, e.id)).toEqual([]);

    const saved = await h.driver.viewSubmission(OPERATOR, {
      callbackId: SCOPE.itemModal,
      privateMetadata: view.private_metadata,
      values: itemValues({
        title: 'Lifecycle email program',
        criteria: '- Open rate above 35%\n- QA signed off',
        due: '2026-12-15',
      }),
    });
    expect(saved.status).toBe(200);
    expect(saved.text).toBe('');
    const [item] = await scopeItems(e.id);
    expect(item).toMatchObject({
      ref: 'SC-1',
      title: 'Lifecycle email program',
      due_date: '2026-12-15',
      criteria: ['Open rate above 35%', 'QA signed off'],
      author_id: OPERATOR,
    });
    const records = await recordsOf(h, e.id);
    expect(records.map((r) => [r.kind, r.subject_ref, r.actor_role])).toEqual([
      ['scope.item_added', 'SC-1', 'operator'],
    ]);
    // The operator's overview is refreshed through the command's response_url.
    const [refresh] = await responsesTo(h, res.responseUrl);
    expect(json(refresh?.body.blocks)).toContain('Added *SC-1* Lifecycle email program');

    // The same modal submitted again (a double click) adds nothing.
    const again = await h.driver.viewSubmission(OPERATOR, {
      callbackId: SCOPE.itemModal,
      privateMetadata: view.private_metadata,
      values: itemValues({ title: 'Lifecycle email program', criteria: 'x', due: '2026-12-15' }),
    });
    expect(json(again.json)).toContain('SC-1 is already called');
    expect(await scopeItems(e.id)).toHaveLength(1);
  });

  it('adds a stage checkpoint through its modal', async () => {
    const e = await reviewedEngagement(h, { stages: [] });
    await h.driver.command(OPERATOR, `scope ${e.slug} stage`);
    const opened = await h.fake.waitFor('views.open');
    const view = opened.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(SCOPE.stageModal);
    const missing = await h.driver.viewSubmission(OPERATOR, {
      callbackId: SCOPE.stageModal,
      privateMetadata: view.private_metadata,
      values: { [SCOPE.stageNameBlock]: { [SCOPE.stageNameAction]: { value: 'Launch review' } } },
    });
    expect(missing.json).toMatchObject({ errors: { [SCOPE.stageDateBlock]: expect.any(String) } });
    await h.driver.viewSubmission(OPERATOR, {
      callbackId: SCOPE.stageModal,
      privateMetadata: view.private_metadata,
      values: {
        [SCOPE.stageNameBlock]: { [SCOPE.stageNameAction]: { value: 'Launch review' } },
        [SCOPE.stageDateBlock]: { [SCOPE.stageDateAction]: { selected_date: '2027-01-10' } },
      },
    });
    const records = await recordsOf(h, e.id);
    expect(records.map((r) => [r.kind, r.subject_ref])).toEqual([['scope.stage_added', 'ST-1']]);
  });

  it('refuses to submit while scope items lack acceptance criteria, naming them, and stores nothing', async () => {
    const e = await reviewedEngagement(h, {
      scopeItems: [
        { title: 'Emails', criteria: ['Open rate above 35%'] },
        { title: 'Landing pages', criteria: [] },
        { title: 'Referral flow', criteria: [] },
      ],
    });
    const { text } = await commandReply(h, OPERATOR, `scope ${e.slug} submit`);
    expect(text).toContain('needs an acceptance criterion on SC-2 and SC-3');
    expect(await requestsOf(h, e.id)).toEqual([]);
    expect(await recordsOf(h, e.id)).toEqual([]);
    expect(h.fake.callsTo('chat.postMessage')).toEqual([]);
  });

  it('submits: opens EX-1, records it, DMs every sponsor with buttons and stores each copy', async () => {
    const e = await reviewedEngagement(h, { requiredApprovals: 2 });
    const { body } = await commandReply(h, OPERATOR, `scope ${e.slug} submit`);
    expect(json(body.blocks)).toContain('*EX-1* is out for approval');
    const [request] = await requestsOf(h, e.id);
    expect(request).toMatchObject({
      ref: 'EX-1',
      subject: 'execution_requirements',
      status: 'pending',
      required_approvals: 2,
      requester_ids: [OPERATOR],
      requested_by: OPERATOR,
    });
    const records = await recordsOf(h, e.id);
    expect(records.map((r) => [r.kind, r.subject_ref])).toEqual([['approval.requested', 'EX-1']]);
    const posts = approvalPosts(h, 'EX-1');
    expect(posts.map((p) => p.user).sort()).toEqual([...EXECS].sort());
    for (const post of posts) {
      const blocks = json(post.call.args.blocks);
      expect(blocks).toContain(APPROVAL.approveAction);
      expect(blocks).toContain(request?.id);
      expect(blocks).toContain('Lifecycle email program');
    }
    const copies = await h.db
      .selectFrom('approval_message')
      .selectAll()
      .where('approval_request_id', '=', request?.id ?? '')
      .execute();
    expect(copies.map((c) => [c.recipient_id, c.channel_id, c.ts]).sort()).toEqual(
      posts.map((p) => [p.user, p.channel, p.ts]).sort(),
    );
    expect(h.fake.violations).toEqual([]);

    // Only one request at a time, and the requirements are frozen while it is out.
    const twice = await commandReply(h, OPERATOR, `scope ${e.slug} submit`);
    expect(twice.text).toContain('EX-1 is already waiting for approval');
    const add = await commandReply(h, OPERATOR, `scope ${e.slug} add`);
    expect(add.text).toContain('/amos reject');
    expect(await requestsOf(h, e.id)).toHaveLength(1);
  });

  it('submits from the overview button, replacing the overview', async () => {
    const e = await reviewedEngagement(h);
    const click = await h.driver.blockAction(
      OPERATOR,
      { actionId: SCOPE.submitAction, blockId: SCOPE.actionsBlock, value: e.slug },
      { channelId: 'C0GENERAL', messageTs: '1.000' },
    );
    const [reply] = await responsesTo(h, click.responseUrl);
    expect(reply?.body.replace_original).toBe(true);
    expect(json(reply?.body.blocks)).toContain('waiting for approval');
    await eventually(async () => expect(await requestsOf(h, e.id)).toHaveLength(1));
  });

  it('says scope changes need a change request once execution is approved', async () => {
    const e = await reviewedEngagement(h, { stage: 'execution_approved' });
    const { text } = await commandReply(h, OPERATOR, `scope ${e.slug} add`);
    expect(text).toContain('approved change request');
    expect(text).toContain('approved change request (`/amos change`)');
    expect(h.fake.callsTo('views.open')).toEqual([]);
  });

  it('refuses a partner', async () => {
    const e = await reviewedEngagement(h);
    const { text } = await commandReply(h, PARTNER, `scope ${e.slug}`);
    expect(text).toContain('Only an operator may define scope items');
    const submit = await commandReply(h, PARTNER, `scope ${e.slug} submit`);
    expect(submit.text).toContain('Only an operator');
    expect(await requestsOf(h, e.id)).toEqual([]);
    expect(TEAM.id).toBe('T0AMOS');
  });
});
