import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyLog } from '../../src/services/decision-log-service.js';
import { DELIVERY, STOP } from '../../src/slack/ids.js';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';
import {
  commandReply,
  EXECS,
  eventually,
  json,
  OPERATOR,
  recordsOf,
  requestsOf,
  stageOf,
  steppingClock,
} from '../support/approval-fixtures.js';
import { activeEngagement, changeValues, openedView } from '../support/delivery-fixtures.js';

// Stop authority (issue 10): any one executive pauses, resumes or terminates; partners are
// turned back with the reason, the partner channel is gated again, and termination is final.

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ clock: steppingClock('2026-12-01T10:00:00Z') });
});
afterAll(async () => {
  await h?.stop();
});
beforeEach(() => h.fake.reset());

const [ERIN, EVAN] = EXECS;

async function chainVerifies(slug: string) {
  const [chain] = await verifyLog(h.db, { teamId: TEAM.id, engagementSlug: slug });
  expect(chain?.verification.ok).toBe(true);
}

/** An active engagement whose partner members are in its partner channel. */
async function withPartnersInChannel() {
  const e = await activeEngagement(h);
  const channel = h.fake.channel(TEAM.id, e.channelId);
  for (const id of e.members) if (!channel?.members.includes(id)) channel?.members.push(id);
  return e;
}

const kinds = async (engagementId: string) => (await recordsOf(h, engagementId)).map((r) => r.kind);

describe('pause and resume', () => {
  it('pause turns back a partner’s /amos deliver with the reason, gates the channel, and resume allows it again', async () => {
    const e = await withPartnersInChannel();
    const before = (await recordsOf(h, e.engagement.id)).length;

    // Not an executive: refused, nothing changes.
    const refused = await commandReply(h, OPERATOR, `pause ${e.slug} I think we should stop`);
    expect(refused.text).toContain('may pause engagements');
    expect(await stageOf(h, e.engagement.id)).toBe('active');
    expect((await recordsOf(h, e.engagement.id)).length).toBe(before);

    // Any one executive pauses (2 of 3 approvals are required for this engagement: N of M does not apply).
    const paused = await commandReply(h, ERIN!, `pause ${e.slug} Controls breached <!channel>`);
    expect(paused.text).toContain('is paused');
    expect(paused.text).toContain('&lt;!channel&gt;');
    expect(paused.text).not.toContain('<!channel>');
    expect(await stageOf(h, e.engagement.id)).toBe('paused');
    await h.app.idle();

    // The operator and the other sponsors are told; the executive who paused is not.
    const told = h.fake.directMessages(TEAM.id, OPERATOR).map((m) => m.text);
    expect(told.some((t) => t.includes(`<@${ERIN}> paused *${e.slug.toUpperCase()}*`))).toBe(true);
    expect(h.fake.directMessages(TEAM.id, EVAN!).some((m) => m.text.includes('paused'))).toBe(true);
    expect(h.fake.directMessages(TEAM.id, ERIN!).some((m) => m.text.includes('paused *'))).toBe(
      false,
    );

    // App Home is refreshed for the people it concerns (sponsors, operator, partners).
    const homes = h.fake.callsTo('views.publish').map((c) => c.args.user_id);
    expect(homes).toEqual(expect.arrayContaining([ERIN, EVAN, OPERATOR, e.partner]));
    expect(json(h.fake.callsTo('views.publish').at(-1)?.args.view)).toContain('*paused*');

    // The channel is gated again: both partners removed, each a boundary event.
    const kicked = h.fake.callsTo('conversations.kick').map((c) => c.args.user);
    expect(kicked.sort()).toEqual([...e.members].sort());
    expect(h.fake.channel(TEAM.id, e.channelId)?.members).not.toContain(e.partner);
    const afterPause = await recordsOf(h, e.engagement.id);
    const pausedRecord = afterPause.find((r) => r.kind === 'engagement.paused');
    expect(pausedRecord).toMatchObject({ actor_id: ERIN, actor_role: 'executive' });
    expect(pausedRecord?.details).toMatchObject({
      from: 'active',
      to: 'paused',
      reason: 'Controls breached <!channel>',
    });
    expect(afterPause.filter((r) => r.kind === 'boundary.partner_removed')).toHaveLength(2);
    // The partner's removal notice names who paused and why, harmlessly.
    const notice = h.fake
      .directMessages(TEAM.id, e.partner)
      .map((m) => m.text)
      .join('\n');
    expect(notice).toContain(`<@${ERIN}> paused it`);
    expect(notice).toContain('&lt;!channel&gt;');

    // A partner action anywhere is refused with the reason and who paused.
    const deliver = await commandReply(h, e.partner, `deliver ${e.slug}`);
    expect(deliver.text).toContain('*paused*');
    expect(deliver.text).toContain(`<@${ERIN}> paused it: “Controls breached &lt;!channel&gt;”`);
    expect(h.fake.callsTo('views.open')).toHaveLength(0);
    // …and in the partner channel itself, by the channel gate.
    const inChannel = await commandReply(h, e.partner, 'deliver', { channelId: e.channelId });
    expect(inChannel.text).toContain('Controls breached &lt;!channel&gt;');

    // `/amos status` says who paused it and why.
    const shown = await commandReply(h, OPERATOR, `status ${e.slug}`);
    expect(json(shown.body)).toContain(
      `*Paused* by <@${ERIN}>: “Controls breached &lt;!channel&gt;”`,
    );

    // Pausing twice is refused and records nothing.
    const count = (await recordsOf(h, e.engagement.id)).length;
    const again = await commandReply(h, EVAN!, `pause ${e.slug} once more`);
    expect(again.text).toContain('already *paused*');
    await h.app.idle();
    expect((await recordsOf(h, e.engagement.id)).length).toBe(count);

    // Resume (an executive, typed in the partner channel without the slug): invited back, may act.
    h.fake.reset();
    const resumed = await commandReply(h, EVAN!, 'resume', { channelId: e.channelId });
    expect(resumed.text).toContain('is active again');
    expect(await stageOf(h, e.engagement.id)).toBe('active');
    await h.app.idle();
    const invited = h.fake.callsTo('conversations.invite').map((c) => c.args.users);
    expect(invited.sort()).toEqual([...e.members].sort());
    const { view } = await openedView(h, e.partner, `deliver ${e.slug}`);
    expect(view.callback_id).toBe(DELIVERY.deliverModal);

    const all = await kinds(e.engagement.id);
    expect(all).toContain('engagement.resumed');
    const resumedRecord = (await recordsOf(h, e.engagement.id)).find(
      (r) => r.kind === 'engagement.resumed',
    );
    expect(resumedRecord).toMatchObject({ actor_id: EVAN });
    const row = await h.db
      .selectFrom('engagement')
      .select(['halt_reason', 'halted_by'])
      .where('id', '=', e.engagement.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ halt_reason: null, halted_by: null });
    await chainVerifies(e.slug);
    expect(h.fake.violations).toEqual([]);
  });

  it('a pause needs a reason', async () => {
    const e = await activeEngagement(h);
    const reply = await commandReply(h, ERIN!, `pause ${e.slug}`);
    expect(reply.text).toContain('/amos pause <reason>');
    expect(await stageOf(h, e.engagement.id)).toBe('active');
  });
});

describe('the executive-only Pause button', () => {
  it('refuses a partner pressing it: nothing opens or changes', async () => {
    const e = await activeEngagement(h);
    const before = await kinds(e.engagement.id);
    const res = await h.driver.blockAction(
      e.partner,
      { actionId: STOP.pauseEngagement, value: e.engagement.id },
      { channelId: 'D0PARTNERDM', messageTs: '1700000000.000100' },
    );
    expect(res.status).toBe(200);
    await h.app.idle();
    const [reply] = h.fake.responses(res.responseUrl);
    expect(reply?.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(reply?.body.text)).toContain('may pause engagements');
    expect(h.fake.callsTo('views.open')).toHaveLength(0);
    expect(await stageOf(h, e.engagement.id)).toBe('active');
    expect(await kinds(e.engagement.id)).toEqual(before);
  });

  it('opens the reason modal for an executive; submitting it pauses', async () => {
    const e = await activeEngagement(h);
    await h.driver.blockAction(
      ERIN!,
      { actionId: STOP.pauseEngagement, value: e.engagement.id },
      { channelId: 'D0ERINDM', messageTs: '1700000000.000200' },
    );
    const opened = await h.fake.waitFor('views.open');
    const view = opened.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(STOP.pauseModal);

    // Without a reason: an inline error, nothing changes.
    const empty = await h.driver.viewSubmission(ERIN!, {
      callbackId: STOP.pauseModal,
      privateMetadata: view.private_metadata,
      values: {
        [STOP.reasonBlock]: { [STOP.inputAction]: { type: 'plain_text_input', value: '' } },
      },
    });
    expect(empty.json).toMatchObject({ response_action: 'errors' });
    expect(await stageOf(h, e.engagement.id)).toBe('active');

    const done = await h.driver.viewSubmission(ERIN!, {
      callbackId: STOP.pauseModal,
      privateMetadata: view.private_metadata,
      values: {
        [STOP.reasonBlock]: {
          [STOP.inputAction]: { type: 'plain_text_input', value: 'Escalation ES-1 unresolved' },
        },
      },
    });
    expect(done.json).toMatchObject({ response_action: 'update' });
    expect(await stageOf(h, e.engagement.id)).toBe('paused');
    await h.app.idle();
    const record = (await recordsOf(h, e.engagement.id)).find(
      (r) => r.kind === 'engagement.paused',
    );
    expect(record?.details).toMatchObject({ reason: 'Escalation ES-1 unresolved' });
    await chainVerifies(e.slug);
  });
});

describe('terminate', () => {
  it('removes partners, posts the final summary, archives the channel and withdraws a pending approval with its copies updated', async () => {
    const e = await withPartnersInChannel();
    // A change request waiting for approval, its DM copies stored.
    const { view } = await openedView(h, e.partner, `change ${e.slug}`);
    await h.driver.viewSubmission(e.partner, {
      callbackId: DELIVERY.changeModal,
      privateMetadata: view.private_metadata,
      values: changeValues({
        add: { title: 'Referral flow', criteria: 'Live', due: '2026-12-20' },
      }),
    });
    await h.app.idle();
    const [pending] = await requestsOf(h, e.engagement.id);
    expect(pending?.status).toBe('pending');
    const copies = await h.db
      .selectFrom('approval_message')
      .selectAll()
      .where('approval_request_id', '=', pending!.id)
      .execute();
    expect(copies.length).toBeGreaterThan(0);
    h.fake.reset();

    const reply = await commandReply(h, ERIN!, `terminate ${e.slug} Vendor breached the charter`);
    expect(reply.text).toContain('is terminated');
    expect(reply.text).toContain(pending!.ref);
    expect(await stageOf(h, e.engagement.id)).toBe('terminated');
    await h.app.idle();

    // Partners removed, then the final summary, then the channel archived.
    const kicked = h.fake.callsTo('conversations.kick').map((c) => c.args.user);
    expect(kicked.sort()).toEqual([...e.members].sort());
    const posted = h.fake.messages(e.channelId).map((m) => json(m));
    const summary = posted.find((m) => m.includes('Final record'));
    expect(summary).toBeDefined();
    expect(summary).toContain('Vendor breached the charter');
    expect(summary).toContain(pending!.ref);
    expect(summary).toContain('active');
    expect(h.fake.channel(TEAM.id, e.channelId)?.isArchived).toBe(true);
    const order = h.fake.calls
      .filter((c) => ['conversations.kick', 'conversations.archive'].includes(c.method))
      .map((c) => c.method);
    expect(order.at(-1)).toBe('conversations.archive');

    // The pending request withdrawn, each DM copy updated in place.
    const [withdrawn] = await requestsOf(h, e.engagement.id);
    expect(withdrawn).toMatchObject({
      status: 'withdrawn',
      withdrawn_by: ERIN,
      withdrawn_reason: 'terminated',
    });
    for (const copy of copies) {
      const updates = h.fake
        .callsTo('chat.update')
        .filter((c) => c.args.channel === copy.channel_id && c.args.ts === copy.ts);
      expect(updates.length).toBeGreaterThan(0);
      const shown = json(updates.at(-1)?.args.blocks);
      expect(shown).toContain('was terminated');
      expect(shown).not.toContain('approval_approve');
    }

    const all = await kinds(e.engagement.id);
    expect(all).toEqual(
      expect.arrayContaining(['engagement.terminated', 'approval.withdrawn', 'channel.archived']),
    );
    expect(all.filter((k) => k === 'boundary.partner_removed')).toHaveLength(2);
    expect(all.indexOf('approval.withdrawn')).toBe(all.indexOf('engagement.terminated') + 1);
    await chainVerifies(e.slug);

    // Final: nothing resumes it.
    const resume = await commandReply(h, ERIN!, `resume ${e.slug}`);
    expect(resume.text).toContain('final');
    expect(h.fake.violations).toEqual([]);
  });

  it('terminates a paused engagement', async () => {
    const e = await activeEngagement(h);
    await commandReply(h, ERIN!, `pause ${e.slug} Waiting on legal`);
    const reply = await commandReply(h, EVAN!, `terminate ${e.slug} Legal said no`);
    expect(reply.text).toContain('is terminated');
    await h.app.idle();
    const records = await recordsOf(h, e.engagement.id);
    const terminated = records.find((r) => r.kind === 'engagement.terminated');
    expect(terminated?.details).toMatchObject({
      from: 'paused',
      to: 'terminated',
      reason: 'Legal said no',
    });
    expect(h.fake.channel(TEAM.id, e.channelId)?.isArchived).toBe(true);
    // A partner is told it was terminated, with the reason.
    const deliver = await commandReply(h, e.partner, `deliver ${e.slug}`);
    expect(deliver.text).toContain('terminated');
    expect(deliver.text).toContain('Legal said no');
    await chainVerifies(e.slug);
  });
});

describe('pause in warn mode', () => {
  it('warns the partners in the channel instead of removing them, each recorded', async () => {
    const warn = await startHarness({
      clock: steppingClock('2026-12-01T10:00:00Z'),
      env: { AMOS_GATING_MODE: 'warn' },
    });
    try {
      const e = await activeEngagement(warn);
      const channel = warn.fake.channel(TEAM.id, e.channelId);
      for (const id of e.members) channel?.members.push(id);
      const res = await warn.driver.command(ERIN!, `pause ${e.slug} Scope dispute`);
      expect(String((res.json as { text?: string }).text)).toContain('is paused');
      await warn.app.idle();
      await eventually(async () => {
        const records = await recordsOf(warn, e.engagement.id);
        expect(records.filter((r) => r.kind === 'boundary.partner_warned')).toHaveLength(2);
      });
      expect(warn.fake.callsTo('conversations.kick')).toEqual([]);
      const warned = warn.fake.callsTo('chat.postEphemeral').map((c) => c.args.user);
      expect(warned.sort()).toEqual([...e.members].sort());
      expect(String(warn.fake.callsTo('chat.postEphemeral')[0]?.args.text)).toContain(
        'Scope dispute',
      );
      const [chain] = await verifyLog(warn.db, { teamId: TEAM.id, engagementSlug: e.slug });
      expect(chain?.verification.ok).toBe(true);
    } finally {
      await warn.stop();
    }
  });
});
