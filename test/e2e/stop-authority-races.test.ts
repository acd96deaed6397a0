import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyLog } from '../../src/services/decision-log-service.js';
import { DELIVERY, STOP } from '../../src/slack/ids.js';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';
import {
  commandReply,
  EXECS,
  OPERATOR,
  recordsOf,
  stageOf,
  steppingClock,
} from '../support/approval-fixtures.js';
import {
  activeEngagement,
  deliverValues,
  openedView,
  reviewValues,
} from '../support/delivery-fixtures.js';
import { partnerEngagement } from '../support/partner-channel.js';

// Stop authority against an unlucky operator (issue 10, review): the Slack jobs of an older
// stop decision (a pause's kicks, a resume's invites) still queued or retrying when a newer
// decision commits must not undo it.

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ clock: steppingClock('2026-12-01T10:00:00Z') });
});
afterAll(async () => {
  await h?.stop();
});
beforeEach(() => h.fake.reset());

const [ERIN, EVAN] = EXECS;

async function withPartnersInChannel() {
  const e = await activeEngagement(h);
  const channel = h.fake.channel(TEAM.id, e.channelId);
  for (const id of e.members) if (!channel?.members.includes(id)) channel?.members.push(id);
  return e;
}

/** `/amos <text>`, its ephemeral answer, without waiting for the jobs it enqueued. */
async function command(userId: string, text: string): Promise<string> {
  const res = await h.driver.command(userId, text);
  expect(res.status).toBe(200);
  return String((res.json as { text?: string } | undefined)?.text ?? '');
}

async function chainVerifies(slug: string) {
  const [chain] = await verifyLog(h.db, { teamId: TEAM.id, engagementSlug: slug });
  expect(chain?.verification.ok).toBe(true);
}

describe('an older decision’s jobs after a newer one', () => {
  it('a pause’s kick still retrying (429) when an executive resumes does not remove the partner from the active channel', async () => {
    const e = await withPartnersInChannel();
    // Every kick is rate limited once: the pause's kick jobs wait 3 s to run again.
    h.fake.failNext('conversations.kick', { status: 429, retryAfter: 3, times: e.members.length });
    await command(ERIN!, `pause ${e.slug} Controls breached`);
    await h.fake.waitFor('conversations.kick');
    // The kicks are waiting to run again; the engagement is resumed meanwhile.
    const callsBefore = h.fake.calls.length;
    const resumed = await command(EVAN!, `resume ${e.slug}`);
    expect(resumed).toContain('is active again');
    await h.app.idle(20_000);

    expect(await stageOf(h, e.engagement.id)).toBe('active');
    const members = h.fake.channel(TEAM.id, e.channelId)?.members ?? [];
    for (const id of e.members) expect(members).toContain(id);
    // No partner was taken out of the channel after the resume committed.
    const kickedAfter = h.fake.calls
      .slice(callsBefore)
      .filter((c) => c.method === 'conversations.kick' && c.response.ok);
    expect(kickedAfter).toEqual([]);
    const records = await recordsOf(h, e.engagement.id);
    const resumedAt = records.findIndex((r) => r.kind === 'engagement.resumed');
    const after = records.slice(resumedAt + 1).map((r) => r.kind);
    expect(after).not.toContain('boundary.partner_removed');
    expect(after).not.toContain('slack.error');
    await chainVerifies(e.slug);
  }, 30_000);

  it('a resume’s invite still retrying (429) when an executive pauses again does not invite the partners into the gated channel', async () => {
    const e = await activeEngagement(h);
    await commandReply(h, ERIN!, `pause ${e.slug} Waiting on legal`);
    await h.app.idle();
    h.fake.reset();
    h.fake.failNext('conversations.invite', { status: 429, retryAfter: 3 });
    await command(EVAN!, `resume ${e.slug}`);
    await h.fake.waitFor('conversations.invite');
    const paused = await command(ERIN!, `pause ${e.slug} Legal found more`);
    expect(paused).toContain('is paused');
    await h.app.idle(20_000);

    expect(await stageOf(h, e.engagement.id)).toBe('paused');
    const members = h.fake.channel(TEAM.id, e.channelId)?.members ?? [];
    for (const id of e.members) expect(members).not.toContain(id);
    const invitedOk = h.fake
      .callsTo('conversations.invite')
      .filter((c) => c.status === 200 && c.response.ok);
    expect(invitedOk).toEqual([]);
    await chainVerifies(e.slug);
  }, 30_000);

  it('a resume’s invite still retrying when the engagement is terminated invites nobody and reports no failure', async () => {
    const e = await activeEngagement(h);
    await commandReply(h, ERIN!, `pause ${e.slug} Waiting on legal`);
    await h.app.idle();
    h.fake.reset();
    h.fake.failNext('conversations.invite', { status: 429, retryAfter: 3 });
    await command(EVAN!, `resume ${e.slug}`);
    await h.fake.waitFor('conversations.invite');
    const ended = await command(ERIN!, `terminate ${e.slug} Legal said no`);
    expect(ended).toContain('is terminated');
    await h.app.idle(20_000);

    expect(await stageOf(h, e.engagement.id)).toBe('terminated');
    expect(h.fake.channel(TEAM.id, e.channelId)?.isArchived).toBe(true);
    const invitedOk = h.fake
      .callsTo('conversations.invite')
      .filter((c) => c.status === 200 && c.response.ok);
    expect(invitedOk).toEqual([]);
    const kinds = (await recordsOf(h, e.engagement.id)).map((r) => r.kind);
    expect(kinds).not.toContain('slack.error');
    await chainVerifies(e.slug);
  }, 30_000);

  it('a pause’s kick still retrying when the engagement is terminated and archived reports no failure', async () => {
    const e = await withPartnersInChannel();
    h.fake.failNext('conversations.kick', { status: 429, retryAfter: 3, times: e.members.length });
    await command(ERIN!, `pause ${e.slug} Controls breached`);
    await h.fake.waitFor('conversations.kick');
    const ended = await command(EVAN!, `terminate ${e.slug} Breach confirmed`);
    expect(ended).toContain('is terminated');
    await h.app.idle(20_000);

    expect(h.fake.channel(TEAM.id, e.channelId)?.isArchived).toBe(true);
    const members = h.fake.channel(TEAM.id, e.channelId)?.members ?? [];
    for (const id of e.members) expect(members).not.toContain(id);
    const records = await recordsOf(h, e.engagement.id);
    expect(records.map((r) => r.kind)).not.toContain('slack.error');
    // Each partner's removal recorded once.
    for (const id of e.members) {
      const removed = records.filter(
        (r) => r.kind === 'boundary.partner_removed' && JSON.stringify(r.details).includes(id),
      );
      expect(removed).toHaveLength(1);
    }
    expect(h.fake.violations).toEqual([]);
    await chainVerifies(e.slug);
  }, 30_000);
});

describe('what waits for review when the engagement is terminated', () => {
  it('a deliverable waiting for review can no longer be accepted, and App Home stops listing it', async () => {
    const e = await activeEngagement(h);
    const delivered = await openedView(h, e.partner, `deliver ${e.slug}`);
    await h.driver.viewSubmission(e.partner, {
      callbackId: DELIVERY.deliverModal,
      privateMetadata: delivered.view.private_metadata,
      values: deliverValues({ item: 'SC-1' }),
    });
    await h.app.idle();
    // The operator opens the review form, then the engagement is terminated.
    const { view } = await openedView(h, OPERATOR, `deliver ${e.slug} review DL-1`);
    expect(view.callback_id).toBe(DELIVERY.reviewModal);
    await commandReply(h, ERIN!, `terminate ${e.slug} Vendor breached the charter`);

    const res = await h.driver.viewSubmission(OPERATOR, {
      callbackId: DELIVERY.reviewModal,
      privateMetadata: view.private_metadata,
      values: reviewValues([{ met: true }, { met: true, note: 'Signed' }]),
    });
    await h.app.idle();
    expect(JSON.stringify(res.json ?? {})).toContain('terminated');
    const kinds = (await recordsOf(h, e.engagement.id)).map((r) => r.kind);
    expect(kinds).not.toContain('deliverable.accepted');
    const item = await h.db
      .selectFrom('scope_item')
      .select(['ref', 'done_by_ref'])
      .where('engagement_id', '=', e.engagement.id)
      .where('ref', '=', 'SC-1')
      .executeTakeFirst();
    expect(item?.done_by_ref ?? null).toBeNull();

    // App Home of a reviewer no longer lists DL-1 of the terminated engagement as waiting.
    h.fake.reset();
    await h.driver.event({
      type: 'app_home_opened',
      user: OPERATOR,
      channel: 'D0HOME',
      tab: 'home',
    });
    await h.fake.waitFor((c) => c.method === 'views.publish' && c.args.user_id === OPERATOR);
    await h.app.idle();
    const home = JSON.stringify(h.fake.callsTo('views.publish').at(-1)?.args.view);
    expect(home).not.toContain(`${e.slug} review DL-1`);
    await chainVerifies(e.slug);
  }, 30_000);
});

describe('executives acting at the same moment', () => {
  it('two pauses in parallel: one commits, the other is told it is already paused; one set of kicks', async () => {
    const e = await withPartnersInChannel();
    const [a, b] = await Promise.all([
      command(ERIN!, `pause ${e.slug} Controls breached`),
      command(EVAN!, `pause ${e.slug} Scope dispute`),
    ]);
    await h.app.idle();
    const replies = [a, b].sort();
    expect(replies.filter((t) => t.includes('is paused'))).toHaveLength(1);
    expect(replies.filter((t) => t.includes('already *paused*'))).toHaveLength(1);
    const records = await recordsOf(h, e.engagement.id);
    expect(records.filter((r) => r.kind === 'engagement.paused')).toHaveLength(1);
    expect(records.filter((r) => r.kind === 'boundary.partner_removed')).toHaveLength(
      e.members.length,
    );
    expect(h.fake.callsTo('conversations.kick')).toHaveLength(e.members.length);
    await chainVerifies(e.slug);
  });

  it('pause and terminate in parallel end terminated, archived once, the final summary posted once', async () => {
    const e = await withPartnersInChannel();
    await Promise.all([
      command(ERIN!, `pause ${e.slug} Controls breached`),
      command(EVAN!, `terminate ${e.slug} Breach confirmed`),
    ]);
    await h.app.idle();
    expect(await stageOf(h, e.engagement.id)).toBe('terminated');
    expect(h.fake.callsTo('conversations.archive')).toHaveLength(1);
    const summaries = h.fake
      .messages(e.channelId)
      .filter((m) => JSON.stringify(m).includes('Final record'));
    expect(summaries).toHaveLength(1);
    const members = h.fake.channel(TEAM.id, e.channelId)?.members ?? [];
    for (const id of e.members) expect(members).not.toContain(id);
    const kinds = (await recordsOf(h, e.engagement.id)).map((r) => r.kind);
    expect(kinds).not.toContain('slack.error');
    expect(kinds.filter((k) => k === 'channel.archived')).toHaveLength(1);
    await chainVerifies(e.slug);
  });
});

describe('terminate when Slack does not cooperate', () => {
  it('conversations.archive rate limited: archived once, the summary posted once, recorded once', async () => {
    const e = await withPartnersInChannel();
    h.fake.failNext('conversations.archive', { status: 429, retryAfter: 1 });
    await commandReply(h, ERIN!, `terminate ${e.slug} Vendor breached the charter`);
    await h.app.idle(20_000);
    expect(h.fake.channel(TEAM.id, e.channelId)?.isArchived).toBe(true);
    const summaries = h.fake
      .callsTo('chat.postMessage')
      .filter(
        (c) => c.args.channel === e.channelId && JSON.stringify(c.args).includes('Final record'),
      );
    expect(summaries).toHaveLength(1);
    expect(h.fake.callsTo('conversations.kick')).toHaveLength(e.members.length);
    const kinds = (await recordsOf(h, e.engagement.id)).map((r) => r.kind);
    expect(kinds.filter((k) => k === 'channel.archived')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'boundary.partner_removed')).toHaveLength(e.members.length);
    expect(kinds).not.toContain('slack.error');
    await chainVerifies(e.slug);
  }, 30_000);

  it('conversations.archive refused: still terminated, the failure recorded once and told to the executive and the operator', async () => {
    const e = await withPartnersInChannel();
    h.fake.failNext('conversations.archive', { error: 'restricted_action' });
    await commandReply(h, ERIN!, `terminate ${e.slug} Vendor breached the charter`);
    await h.app.idle(20_000);
    expect(await stageOf(h, e.engagement.id)).toBe('terminated');
    expect(h.fake.channel(TEAM.id, e.channelId)?.isArchived).toBe(false);
    const records = await recordsOf(h, e.engagement.id);
    const errors = records.filter((r) => r.kind === 'slack.error');
    expect(errors).toHaveLength(1);
    expect(JSON.stringify(errors[0]?.details)).toContain('conversations.archive');
    expect(records.map((r) => r.kind)).not.toContain('channel.archived');
    for (const who of [ERIN!, OPERATOR]) {
      const told = h.fake.directMessages(TEAM.id, who).map((m) => JSON.stringify(m));
      expect(told.some((t) => t.includes('restricted_action'))).toBe(true);
    }
    // The final summary went out before the archive was tried.
    expect(
      h.fake.messages(e.channelId).filter((m) => JSON.stringify(m).includes('Final record')),
    ).toHaveLength(1);
    await chainVerifies(e.slug);
  }, 30_000);
});

describe('the Pause button and its modal, late or twice', () => {
  const reasonValues = (value: string) => ({
    [STOP.reasonBlock]: { [STOP.inputAction]: { type: 'plain_text_input', value } },
  });

  it('pressed from an old escalation DM after termination: refused, nothing opens or changes', async () => {
    const e = await activeEngagement(h);
    await commandReply(h, ERIN!, `terminate ${e.slug} Over`);
    const before = (await recordsOf(h, e.engagement.id)).length;
    h.fake.reset();
    const res = await h.driver.blockAction(
      EVAN!,
      { actionId: STOP.pauseEngagement, value: e.engagement.id },
      { channelId: 'D0EVANDM', messageTs: '1700000000.000300' },
    );
    expect(res.status).toBe(200);
    await h.app.idle();
    const [reply] = h.fake.responses(res.responseUrl);
    expect(String(reply?.body.text)).toContain('only an active engagement can be paused');
    expect(h.fake.callsTo('views.open')).toHaveLength(0);
    expect((await recordsOf(h, e.engagement.id)).length).toBe(before);
  });

  it('opened while active, submitted after termination: an inline error, the typed reason kept, nothing recorded', async () => {
    const e = await activeEngagement(h);
    await h.driver.blockAction(
      ERIN!,
      { actionId: STOP.pauseEngagement, value: e.engagement.id },
      { channelId: 'D0ERINDM', messageTs: '1700000000.000400' },
    );
    const opened = await h.fake.waitFor('views.open');
    const view = opened.args.view as { private_metadata: string };
    await commandReply(h, EVAN!, `terminate ${e.slug} Over`);
    const before = (await recordsOf(h, e.engagement.id)).length;
    const res = await h.driver.viewSubmission(ERIN!, {
      callbackId: STOP.pauseModal,
      privateMetadata: view.private_metadata,
      values: reasonValues('Too late'),
    });
    expect(res.json).toMatchObject({ response_action: 'errors' });
    expect(JSON.stringify(res.json)).toContain('terminated');
    expect(await stageOf(h, e.engagement.id)).toBe('terminated');
    expect((await recordsOf(h, e.engagement.id)).length).toBe(before);
  });

  it('a forged 3,000-character reason: an inline error on the reason field, nothing changes', async () => {
    const e = await activeEngagement(h);
    const res = await h.driver.viewSubmission(ERIN!, {
      callbackId: STOP.pauseModal,
      privateMetadata: e.engagement.id,
      values: reasonValues('x'.repeat(3000)),
    });
    expect(res.json).toMatchObject({
      response_action: 'errors',
      errors: { [STOP.reasonBlock]: expect.stringContaining('2000') },
    });
    expect(await stageOf(h, e.engagement.id)).toBe('active');
    expect(await recordsOf(h, e.engagement.id)).toEqual([]);
    const typed = await command(ERIN!, `pause ${e.slug} ${'y'.repeat(3000)}`);
    expect(typed).toContain('Shorten the reason');
    expect(await stageOf(h, e.engagement.id)).toBe('active');
  });

  it('submitted twice: paused once; the second is told it is already paused', async () => {
    const e = await activeEngagement(h);
    const submit = () =>
      h.driver.viewSubmission(ERIN!, {
        callbackId: STOP.pauseModal,
        privateMetadata: e.engagement.id,
        values: reasonValues('Hold <!channel> \u0007 <@U0EXECB>'),
      });
    const [a, b] = await Promise.all([submit(), submit()]);
    await h.app.idle();
    const answers = [JSON.stringify(a.json), JSON.stringify(b.json)];
    expect(answers.filter((x) => x.includes('"update"'))).toHaveLength(1);
    expect(answers.filter((x) => x.includes('already'))).toHaveLength(1);
    const paused = (await recordsOf(h, e.engagement.id)).filter(
      (r) => r.kind === 'engagement.paused',
    );
    expect(paused).toHaveLength(1);
    // Stored as typed, without the control character; shown escaped.
    expect(paused[0]?.details).toMatchObject({ reason: 'Hold <!channel>  <@U0EXECB>' });
    const shown = answers.find((x) => x.includes('"update"')) ?? '';
    expect(shown).toContain('&lt;!channel&gt;');
    expect(shown).not.toContain('<!channel>');
    expect(h.fake.violations).toEqual([]);
    await chainVerifies(e.slug);
  });
});

describe('paused before the activation set-up ran', () => {
  it('posts the requirements and the charter but invites nobody; the resume invites them', async () => {
    const { engagement, channelId, members } = await partnerEngagement(h);
    h.fake.reset();
    h.fake.failNext('conversations.invite', { status: 429, retryAfter: 3 });
    const activated = await h.driver.command('U0EXEC', `activate ${engagement.slug}`);
    expect(activated.status).toBe(200);
    await h.fake.waitFor('conversations.invite');
    const paused = await command('U0EXEC', `pause ${engagement.slug} Paperwork first`);
    expect(paused).toContain('is paused');
    await h.app.idle(20_000);

    const members1 = h.fake.channel(TEAM.id, channelId)?.members ?? [];
    for (const id of members) expect(members1).not.toContain(id);
    const posted = h.fake.messages(channelId).map((m) => JSON.stringify(m));
    expect(posted.some((m) => m.includes('Partners Do Not'))).toBe(true);
    expect(posted.some((m) => m.includes('I acknowledge the charter'))).toBe(true);
    const kinds = (await recordsOf(h, engagement.id)).map((r) => r.kind);
    expect(kinds).not.toContain('slack.error');

    await command('U0EXEC', `resume ${engagement.slug}`);
    await h.app.idle();
    const members2 = h.fake.channel(TEAM.id, channelId)?.members ?? [];
    for (const id of members) expect(members2).toContain(id);
    await chainVerifies(engagement.slug);
  }, 30_000);
});

describe('a stage review waiting when the engagement is terminated', () => {
  it('is withdrawn with each DM copy updated, and can no longer be approved', async () => {
    const e = await activeEngagement(h);
    const submitted = await commandReply(h, e.partner, `stage ${e.slug} ST-1 Email program live`);
    expect(submitted.text).toContain('SR-1');
    await h.app.idle();
    const [request] = await h.db
      .selectFrom('approval_request')
      .selectAll()
      .where('engagement_id', '=', e.engagement.id)
      .execute();
    expect(request).toMatchObject({ ref: 'SR-1', status: 'pending' });
    const copies = await h.db
      .selectFrom('approval_message')
      .selectAll()
      .where('approval_request_id', '=', request!.id)
      .execute();
    expect(copies.length).toBeGreaterThan(0);
    h.fake.reset();
    const ended = await commandReply(h, ERIN!, `terminate ${e.slug} Over`);
    expect(ended.text).toContain('SR-1');
    await h.app.idle();
    for (const copy of copies) {
      const updates = h.fake
        .callsTo('chat.update')
        .filter((c) => c.args.channel === copy.channel_id && c.args.ts === copy.ts);
      expect(JSON.stringify(updates.at(-1)?.args.blocks)).toContain('was terminated');
    }
    const vote = await commandReply(h, EVAN!, `approve ${e.slug} SR-1`);
    expect(vote.text).not.toContain('approved');
    const kinds = (await recordsOf(h, e.engagement.id)).map((r) => r.kind);
    expect(kinds).not.toContain('approval.vote_cast');
    expect(kinds).not.toContain('stage.passed');
    await chainVerifies(e.slug);
  });
});
