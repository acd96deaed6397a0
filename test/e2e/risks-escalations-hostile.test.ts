import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { JOB_SCHEMA } from '../../src/jobs/queue.js';
import { verifyLog } from '../../src/services/decision-log-service.js';
import { escalationDue } from '../../src/services/escalation-service.js';
import { RISK } from '../../src/slack/ids.js';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';
import { commandReply, EXECS, json, OPERATOR, recordsOf } from '../support/approval-fixtures.js';
import { activeEngagement, openedView } from '../support/delivery-fixtures.js';
import { grant } from '../support/factories.js';

// Risks and escalations against a hostile user and an unlucky operator: buttons pressed twice,
// replayed, by two people at once, by someone who lost their role; paths with holes; shortcuts
// on messages no modal can hold; Slack slow or rate limiting; the clock jumping past several
// SLAs. Signed requests, the fake Slack, real PostgreSQL, an injected clock; never sleeping.

const [ERIN, EVAN, EVE] = EXECS;
let t = new Date('2026-12-01T09:30:00Z').getTime(); // a Tuesday, inside working hours (UTC)
const clock: Clock = { now: () => new Date(t) };
const H = 3_600_000;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ clock, env: { AMOS_SLA_HIGH: '4h', AMOS_SLA_CRITICAL: '1h' } });
});
afterAll(async () => {
  await h?.stop();
});
beforeEach(() => {
  t = new Date('2026-12-01T09:30:00Z').getTime();
  h.fake.reset();
});
afterEach(() => {
  expect(h.fake.violations).toEqual([]);
});

async function engagement(
  path: { level1: string[]; level2: string[]; level3: string[] } = {
    level1: [ERIN],
    level2: [EVAN],
    level3: [EVE],
  },
) {
  const e = await activeEngagement(h);
  await h.db
    .updateTable('engagement')
    .set({ escalation_path: JSON.stringify(path) })
    .where('id', '=', e.engagement.id)
    .execute();
  return e;
}

async function dueMomentsRunNow() {
  await h.db
    .withSchema(JOB_SCHEMA)
    .updateTable('job' as never)
    .set({ start_after: new Date() } as never)
    .where('name' as never, '=', 'escalation-due' as never)
    .where('state' as never, '=', 'created' as never)
    .execute();
  await h.app.idle();
}

async function chainVerifies(slug: string) {
  const [chain] = await verifyLog(h.db, { teamId: TEAM.id, engagementSlug: slug });
  expect(chain?.verification.ok).toBe(true);
}

const text = (value: string) => ({ [RISK.inputAction]: { type: 'plain_text_input', value } });
const select = (value: string) => ({
  [RISK.inputAction]: {
    type: 'static_select',
    selected_option: { value, text: { type: 'plain_text', text: value } },
  },
});

function escalationValues(severity: string, needed = 'A decision on the launch date') {
  const b = RISK.escalation;
  return {
    [b.category]: select('timeline'),
    [b.severity]: select(severity),
    [b.needed]: text(needed),
  };
}

async function raise(userId: string, slug: string, severity: string, needed?: string) {
  const { view } = await openedView(h, userId, `escalate ${slug}`);
  const res = await h.driver.viewSubmission(userId, {
    callbackId: RISK.escalationModal,
    privateMetadata: view.private_metadata,
    values: escalationValues(severity, needed),
  });
  expect(res.json).toBeUndefined();
  await h.app.idle();
}

/** The escalation DMs posted (after conversations.open): to whom and where. */
function escalationDms(ref: string, slug?: string) {
  const opened = new Map(
    h.fake
      .callsTo('conversations.open')
      .filter((c) => c.response.ok)
      .map((c) => [String((c.response.channel as { id: string }).id), String(c.args.users)]),
  );
  return h.fake
    .callsTo('chat.postMessage')
    .filter((c) => c.response.ok && String(c.args.text).startsWith(`Escalation ${ref} `))
    .filter((c) => !slug || String(c.args.text).includes(` on ${slug.toUpperCase()}:`))
    .map((c) => ({
      user: opened.get(String(c.args.channel)) ?? String(c.args.channel),
      channel: String(c.response.channel),
      ts: String(c.response.ts),
    }));
}

async function escalationRow(engagementId: string, ref: string) {
  return h.db
    .selectFrom('escalation')
    .selectAll()
    .where('engagement_id', '=', engagementId)
    .where('ref', '=', ref)
    .executeTakeFirstOrThrow();
}

function press(user: string, actionId: string, escalationId: string, ref = 'ES-1') {
  const dm = escalationDms(ref).findLast((d) => d.user === user);
  return h.driver.blockAction(
    user,
    { actionId, value: escalationId },
    { channelId: dm?.channel ?? '', messageTs: dm?.ts ?? '' },
  );
}

const said = (responseUrl: string) => h.fake.responses(responseUrl).map((r) => String(r.body.text));

describe('buttons pressed twice, replayed, at once', () => {
  it('a second press and a replay of the first change nothing and say so to the presser only', async () => {
    const e = await engagement();
    await raise(OPERATOR, e.slug, 'high');
    const row = await escalationRow(e.engagement.id, 'ES-1');
    const first = await press(ERIN, RISK.acknowledgeAction, row.id);
    await h.app.idle();
    const replayed = await h.driver.replay();
    const second = await press(ERIN, RISK.acknowledgeAction, row.id);
    await h.app.idle();
    expect([first.status, replayed.status, second.status]).toEqual([200, 200, 200]);
    // The replay carries the first press's response_url: told it was handled before.
    expect(said(first.responseUrl)).toEqual([
      'Already handled: Slack delivered this request before and it was acted on then, so nothing was changed again.',
    ]);
    expect(said(second.responseUrl)).toEqual(['ES-1 is already acknowledged.']);
    const kinds = (await recordsOf(h, e.engagement.id)).map((r) => r.kind);
    expect(kinds).toEqual(['escalation.raised', 'escalation.acknowledged']);
    await chainVerifies(e.slug);
  });

  it('Acknowledge and Resolve pressed by two people at once end resolved, every copy saying so', async () => {
    const e = await engagement({ level1: [ERIN, EVAN], level2: [EVE], level3: [] });
    await raise(OPERATOR, e.slug, 'high');
    const row = await escalationRow(e.engagement.id, 'ES-1');
    const [ack, resolve] = await Promise.all([
      press(ERIN, RISK.acknowledgeAction, row.id),
      press(EVAN, RISK.resolveAction, row.id),
    ]);
    await h.app.idle();
    const after = await escalationRow(e.engagement.id, 'ES-1');
    expect(after).toMatchObject({ state: 'resolved', acted_by: EVAN });
    const kinds = (await recordsOf(h, e.engagement.id)).map((r) => r.kind);
    // Either order is one story: acknowledged then resolved, or resolved (the late ack refused).
    if (kinds.includes('escalation.acknowledged')) {
      expect(kinds).toEqual([
        'escalation.raised',
        'escalation.acknowledged',
        'escalation.resolved',
      ]);
      expect(said(ack.responseUrl)).toEqual([]);
    } else {
      expect(kinds).toEqual(['escalation.raised', 'escalation.resolved']);
      expect(said(ack.responseUrl)).toEqual(['ES-1 is already resolved.']);
    }
    expect(said(resolve.responseUrl)).toEqual([]);
    for (const dm of escalationDms('ES-1', e.slug)) {
      const last = h.fake
        .callsTo('chat.update')
        .filter((u) => u.args.channel === dm.channel && u.args.ts === dm.ts)
        .at(-1);
      expect(json(last?.args.blocks)).toContain(`*Resolved* by <@${EVAN}>`);
      expect(json(last?.args.blocks)).not.toContain(RISK.acknowledgeAction);
    }
    // Resolved: its due moment moves nothing.
    t += 5 * H;
    await dueMomentsRunNow();
    expect((await escalationRow(e.engagement.id, 'ES-1')).level).toBe(1);
    await chainVerifies(e.slug);
  });

  it('someone whose role was revoked after the DM reached them is refused; nothing changes', async () => {
    const e = await engagement();
    await raise(OPERATOR, e.slug, 'high');
    const row = await escalationRow(e.engagement.id, 'ES-1');
    await h.db
      .deleteFrom('role_grant')
      .where('team_id', '=', TEAM.id)
      .where('user_id', '=', ERIN)
      .execute();
    try {
      const res = await press(ERIN, RISK.acknowledgeAction, row.id);
      await h.app.idle();
      expect(said(res.responseUrl).join(' ')).toContain('Only an executive, operator or admin');
      expect((await escalationRow(e.engagement.id, 'ES-1')).state).toBe('open');
      expect((await recordsOf(h, e.engagement.id)).map((r) => r.kind)).toEqual([
        'escalation.raised',
      ]);
    } finally {
      await grant(h.db, TEAM.id, ERIN, 'executive');
    }
  });
});

describe('its raiser on its path', () => {
  it('may not acknowledge their own escalation (no button, a press refused); it still climbs; they may resolve it', async () => {
    const e = await engagement();
    await raise(ERIN, e.slug, 'high', 'My own matter');
    const row = await escalationRow(e.engagement.id, 'ES-1');
    const [dm] = escalationDms('ES-1', e.slug);
    expect(dm?.user).toBe(ERIN);
    const posted = h.fake
      .callsTo('chat.postMessage')
      .find((c) => String(c.args.text).includes('My own matter'));
    expect(json(posted?.args.blocks)).not.toContain(RISK.acknowledgeAction);
    expect(json(posted?.args.blocks)).toContain(RISK.resolveAction);
    const home = h.fake
      .callsTo('views.publish')
      .filter((c) => c.args.user_id === ERIN)
      .at(-1);
    expect(json(home?.args.view)).toContain('My own matter');
    const homeButtons = (
      home?.args.view as { blocks?: { block_id?: string }[] } | undefined
    )?.blocks?.find((b) => b.block_id === `${RISK.escalationActionsBlock}:${row.id}`);
    expect(json(homeButtons)).toContain(RISK.resolveAction);
    expect(json(homeButtons)).not.toContain(RISK.acknowledgeAction);

    const res = await press(ERIN, RISK.acknowledgeAction, row.id);
    await h.app.idle();
    expect(said(res.responseUrl).join(' ')).toContain('You raised ES-1');
    t += 4 * H + 1_000;
    await dueMomentsRunNow();
    expect(await escalationRow(e.engagement.id, 'ES-1')).toMatchObject({ level: 2, state: 'open' });
    const resolved = await press(ERIN, RISK.resolveAction, row.id);
    await h.app.idle();
    expect(said(resolved.responseUrl)).toEqual([]);
    expect((await recordsOf(h, e.engagement.id)).map((r) => [r.kind, r.actor_id])).toEqual([
      ['escalation.raised', ERIN],
      ['escalation.escalated', 'AMOS'],
      ['escalation.resolved', ERIN],
    ]);
    await chainVerifies(e.slug);
  });
});

describe('the escalation modal’s by-when date', () => {
  it('accepts today for someone whose day is behind UTC (01:00 UTC is still yesterday in Los Angeles); refuses a past date', async () => {
    const e = await engagement();
    t = new Date('2026-12-02T01:00:00Z').getTime();
    const submit = async (byWhen: string) => {
      const { view } = await openedView(h, e.partner, `escalate ${e.slug}`);
      return h.driver.viewSubmission(e.partner, {
        callbackId: RISK.escalationModal,
        privateMetadata: view.private_metadata,
        values: {
          ...escalationValues('critical', `Needed by ${byWhen}`),
          [RISK.escalation.byWhen]: {
            [RISK.inputAction]: { type: 'datepicker', selected_date: byWhen },
          },
        },
      });
    };
    expect((await submit('2026-12-01')).json).toBeUndefined();
    expect((await submit('2026-11-30')).json).toEqual({
      response_action: 'errors',
      errors: { [RISK.escalation.byWhen]: 'Pick today or a later date.' },
    });
    await h.app.idle();
    expect((await escalationRow(e.engagement.id, 'ES-1')).by_when).toBe('2026-12-01');
  });
});

describe('paths with holes and a clock that jumps', () => {
  it('an empty level 2 is skipped: level 1 moves to level 3, recorded as such', async () => {
    const e = await engagement({ level1: [ERIN], level2: [], level3: [EVE] });
    await raise(OPERATOR, e.slug, 'high');
    h.fake.reset();
    t += 4 * H + 1_000;
    await dueMomentsRunNow();
    expect(await escalationRow(e.engagement.id, 'ES-1')).toMatchObject({
      level: 3,
      step: 1,
      reached_ids: [ERIN, EVE],
    });
    expect(escalationDms('ES-1', e.slug).map((d) => d.user)).toEqual([EVE]);
    const moved = (await recordsOf(h, e.engagement.id)).find(
      (r) => r.kind === 'escalation.escalated',
    );
    expect(moved?.summary).toContain('moved from level 1 to level 3');
    await chainVerifies(e.slug);
  });

  it('the clock past three SLAs at once moves one level per due moment, each level given its full SLA', async () => {
    const e = await engagement();
    const start = t;
    await raise(OPERATOR, e.slug, 'critical');
    t = start + 3.5 * H; // three critical SLAs (1h) and more, e.g. the workers were down
    await dueMomentsRunNow();
    const row = await escalationRow(e.engagement.id, 'ES-1');
    // Level 2 never saw it: it gets it now and its own hour, rather than being skipped.
    expect(row).toMatchObject({ level: 2, step: 1 });
    expect(row.due_at.getTime()).toBe(t + 1 * H);
    // The same due moment running again (a duplicate, a second worker) is stale.
    await dueMomentsRunNow();
    expect(await escalationRow(e.engagement.id, 'ES-1')).toMatchObject({ level: 2, step: 1 });
    const records = await recordsOf(h, e.engagement.id);
    expect(records.map((r) => r.kind)).toEqual(['escalation.raised', 'escalation.escalated']);
    // The record says how late the move was.
    expect(records[1]?.details).toMatchObject({
      from: 1,
      to: 2,
      missedDueAt: new Date(start + 1 * H).toISOString(),
    });
  });
});

describe('the same due moment run twice at once', () => {
  it('two runs of one step (a duplicate, a second worker) move it once; the queued job then finds it moved', async () => {
    const e = await engagement();
    await raise(OPERATOR, e.slug, 'critical');
    const row = await escalationRow(e.engagement.id, 'ES-1');
    t += 1 * H + 1_000;
    const deps = {
      db: h.db,
      clock,
      admins: [],
      escalations: {
        slas: { critical: 1 * H, high: 4 * H, medium: 24 * H, low: 72 * H },
        workingHours: { startMinute: 9 * 60, endMinute: 18 * 60 },
      },
    };
    const request = { teamId: TEAM.id, escalationId: row.id, step: 0 };
    const outcomes = await Promise.all([
      escalationDue(deps, request),
      escalationDue(deps, request),
    ]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['moved', 'stale']);
    await dueMomentsRunNow();
    expect(await escalationRow(e.engagement.id, 'ES-1')).toMatchObject({ level: 2, step: 1 });
    expect((await recordsOf(h, e.engagement.id)).map((r) => r.kind)).toEqual([
      'escalation.raised',
      'escalation.escalated',
    ]);
    await chainVerifies(e.slug);
  });
});

describe('what a partner sees of risks in /amos status', () => {
  it('only the risks and escalations their organisation raised, never the internal ones', async () => {
    const e = await engagement();
    const b = RISK.risk;
    for (const [userId, title] of [
      [OPERATOR, 'Partner team under-delivering'],
      [e.partner, 'Test data is late'],
    ] as const) {
      const { view } = await openedView(h, userId, `risk ${e.slug}`);
      const res = await h.driver.viewSubmission(userId, {
        callbackId: RISK.modal,
        privateMetadata: view.private_metadata,
        values: {
          [b.title]: text(title),
          [b.category]: select('quality'),
          [b.severity]: select('medium'),
          [b.description]: text(title),
          [b.mitigation]: text(''),
        },
      });
      expect(res.json).toBeUndefined();
    }
    await raise(ERIN, e.slug, 'low', 'Consider ending the engagement');
    await h.app.idle();
    const partnerStatus = json((await commandReply(h, e.partner, `status ${e.slug}`)).body.blocks);
    expect(partnerStatus).toContain('Test data is late');
    expect(partnerStatus).not.toContain('under-delivering');
    expect(partnerStatus).not.toContain('ES-1');
    const internal = json((await commandReply(h, OPERATOR, `status ${e.slug}`)).body.blocks);
    expect(internal).toContain('under-delivering');
    expect(internal).toContain('Test data is late');
    expect(internal).toContain('ES-1');
  });
});

describe('the Raise AMOS risk shortcut', () => {
  function shortcut(userId: string, channelId: string, messageText: string) {
    const responseUrl = h.fake.createResponseUrl();
    return h.driver
      .interaction({
        type: 'message_action',
        callback_id: RISK.shortcut,
        trigger_id: `${Date.now()}.456`,
        team: { id: TEAM.id, domain: 'amos-test' },
        user: { id: userId, username: 'someone', team_id: TEAM.id },
        channel: { id: channelId, name: 'somewhere' },
        message: { type: 'message', user: userId, ts: '1764581400.000300', text: messageText },
        message_ts: '1764581400.000300',
        response_url: responseUrl,
        token: 'legacy-verification-token',
        api_app_id: 'A0AMOS',
      })
      .then((res) => ({ ...res, responseUrl }));
  }

  it('a partner of another engagement, in this engagement’s channel, is refused and sees no modal', async () => {
    const mine = await engagement();
    const theirs = await engagement();
    h.fake.reset();
    const res = await shortcut(theirs.partner, mine.channelId, 'Something to raise');
    expect(res.status).toBe(200);
    await h.app.idle();
    expect(h.fake.callsTo('views.open')).toHaveLength(0);
    expect(said(res.responseUrl).join(' ')).toContain('not a member of the partner organisation');
  });

  it('a partner of another engagement, elsewhere, typing this slug into the modal is refused inline; nothing stored', async () => {
    const mine = await engagement();
    const theirs = await engagement();
    h.fake.reset();
    await shortcut(theirs.partner, 'C0ELSEWHERE', 'Something to raise');
    const opened = await h.fake.waitFor('views.open');
    const view = opened.args.view as { private_metadata: string };
    const b = RISK.risk;
    const res = await h.driver.viewSubmission(theirs.partner, {
      callbackId: RISK.modal,
      privateMetadata: view.private_metadata,
      values: {
        risk_engagement: text(mine.slug),
        [b.title]: text('Planted'),
        [b.category]: select('data'),
        [b.severity]: select('critical'),
        [b.description]: text('Planted'),
        [b.mitigation]: text(''),
      },
    });
    expect((res.json as { response_action?: string })?.response_action).toBe('errors');
    expect(json(res.json)).toContain('not a member of the partner organisation');
    const stored = await h.db
      .selectFrom('risk')
      .select('id')
      .where('engagement_id', '=', mine.engagement.id)
      .execute();
    expect(stored).toEqual([]);
  });

  it('a message longer than the modal holds, ending in an emoji at the cut, with markup and control characters', async () => {
    const e = await engagement();
    h.fake.reset();
    // 2,000 is the description's max_length: the emoji's two halves straddle the cut, as do the
    // title's 150.
    const head = `${'t'.repeat(149)}\u{1F525} <!channel> <@U0EXECA> <https://evil|click>\u0007`;
    const body = `${head}\n${'d'.repeat(2000 - head.length - 2)}\u{1F525}${'x'.repeat(50_000)}`;
    const res = await shortcut(e.partner, e.channelId, body);
    expect(res.status).toBe(200);
    const opened = await h.fake.waitFor('views.open');
    const view = opened.args.view as {
      blocks: { block_id?: string; element?: { initial_value?: string; max_length?: number } }[];
    };
    const initial = (id: string) => view.blocks.find((b) => b.block_id === id)?.element;
    for (const id of [RISK.risk.title, RISK.risk.description]) {
      const el = initial(id);
      expect(el?.initial_value?.length).toBeLessThanOrEqual(el?.max_length ?? 0);
      // No half of a surrogate pair (Slack answers invalid_arguments for malformed text).
      expect(el?.initial_value).not.toMatch(
        /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/,
      );
      expect(el?.initial_value).not.toContain('\u0007');
    }
    expect(initial(RISK.risk.title)?.initial_value).toBe('t'.repeat(149));
  });
});

describe('Slack slow or rate limiting the escalation DM', () => {
  it('a 429 on conversations.open: the DM arrives once, after Retry-After', async () => {
    const e = await engagement();
    const { view } = await openedView(h, OPERATOR, `escalate ${e.slug}`);
    h.fake.failNext('conversations.open', { status: 429, retryAfter: 1 });
    await h.driver.viewSubmission(OPERATOR, {
      callbackId: RISK.escalationModal,
      privateMetadata: view.private_metadata,
      values: escalationValues('critical', 'Rate limited'),
    });
    await h.app.idle();
    expect(h.fake.callsTo('conversations.open').map((c) => c.status)).toEqual([429, 200]);
    expect(escalationDms('ES-1', e.slug).map((d) => d.user)).toEqual([ERIN]);
  });

  it('conversations.open answering after the timeout: the DM arrives once', async () => {
    const e = await engagement();
    const { view } = await openedView(h, OPERATOR, `escalate ${e.slug}`);
    h.fake.delayNext('conversations.open', 3_500);
    await h.driver.viewSubmission(OPERATOR, {
      callbackId: RISK.escalationModal,
      privateMetadata: view.private_metadata,
      values: escalationValues('critical', 'Slow Slack'),
    });
    await h.app.idle();
    expect(h.fake.callsTo('conversations.open').length).toBeGreaterThanOrEqual(2);
    expect(escalationDms('ES-1', e.slug).map((d) => d.user)).toEqual([ERIN]);
  });

  it('chat.postMessage answering after the timeout: the DM is still one', async () => {
    const e = await engagement();
    const { view } = await openedView(h, OPERATOR, `escalate ${e.slug}`);
    h.fake.delayNext('chat.postMessage', 3_500);
    await h.driver.viewSubmission(OPERATOR, {
      callbackId: RISK.escalationModal,
      privateMetadata: view.private_metadata,
      values: escalationValues('critical', 'Slow post'),
    });
    await h.app.idle();
    const posted = h.fake
      .callsTo('chat.postMessage')
      .filter((c) => String(c.args.text).includes('Slow post'));
    expect(posted.length).toBeGreaterThanOrEqual(1);
    expect(escalationDms('ES-1', e.slug)).toHaveLength(1);
    const copies = await h.db
      .selectFrom('governance_message')
      .select('ts')
      .where('subject_id', '=', (await escalationRow(e.engagement.id, 'ES-1')).id)
      .execute();
    expect(copies).toHaveLength(1);
  });

  it('a 429 on users.info does not leave the recipient’s zone cached as unknown: the DM waits for their morning', async () => {
    const e = await engagement();
    const sydney = 'U0SYDNEY';
    h.fake.addUser(TEAM.id, { id: sydney, name: 'sydney', tz: 'Australia/Sydney' });
    await grant(h.db, TEAM.id, sydney, 'executive');
    await h.db
      .updateTable('engagement')
      .set({ escalation_path: JSON.stringify({ level1: [sydney], level2: [EVAN], level3: [] }) })
      .where('id', '=', e.engagement.id)
      .execute();
    const { view } = await openedView(h, OPERATOR, `escalate ${e.slug}`);
    h.fake.failNext('users.info', { status: 429, retryAfter: 1 });
    // 09:30 UTC is 20:30 in Sydney: after its working hours.
    await h.driver.viewSubmission(OPERATOR, {
      callbackId: RISK.escalationModal,
      privateMetadata: view.private_metadata,
      values: escalationValues('medium', 'Zone unknown for a moment'),
    });
    await h.app.idle();
    const cached = await h.db
      .selectFrom('slack_user')
      .select('time_zone')
      .where('team_id', '=', TEAM.id)
      .where('user_id', '=', sydney)
      .executeTakeFirst();
    expect(cached?.time_zone).toBe('Australia/Sydney');
    const posted = h.fake
      .callsTo('chat.postMessage')
      .filter((c) => String(c.args.text).includes('Zone unknown'));
    expect(posted).toHaveLength(0);
  });

  it('users.info refusing (user_not_found): Slack cannot tell, so UTC, and the DM goes in UTC working hours', async () => {
    const e = await engagement();
    const ghost = 'U0GHOST';
    await grant(h.db, TEAM.id, ghost, 'executive');
    await h.db
      .updateTable('engagement')
      .set({ escalation_path: JSON.stringify({ level1: [ghost], level2: [EVAN], level3: [] }) })
      .where('id', '=', e.engagement.id)
      .execute();
    const { view } = await openedView(h, OPERATOR, `escalate ${e.slug}`);
    h.fake.failNext('users.info', { error: 'user_not_found' });
    await h.driver.viewSubmission(OPERATOR, {
      callbackId: RISK.escalationModal,
      privateMetadata: view.private_metadata,
      values: escalationValues('medium', 'Nobody knows where'),
    });
    await h.app.idle();
    expect(h.fake.callsTo('users.info')).toHaveLength(1);
    const posted = h.fake
      .callsTo('chat.postMessage')
      .filter((c) => String(c.args.text).includes('Nobody knows where'));
    expect(posted).toHaveLength(1);
  });

  it('an escalation DM Slack refuses (user_disabled) is reported to the operator, not to the partner who raised it', async () => {
    const e = await engagement();
    const { view } = await openedView(h, e.partner, `escalate ${e.slug}`);
    h.fake.failNext('conversations.open', { error: 'user_disabled' });
    await h.driver.viewSubmission(e.partner, {
      callbackId: RISK.escalationModal,
      privateMetadata: view.private_metadata,
      values: escalationValues('critical', 'Nobody answers'),
    });
    await h.app.idle();
    expect(escalationDms('ES-1', e.slug)).toEqual([]);
    const kinds = (await recordsOf(h, e.engagement.id)).map((r) => r.kind);
    expect(kinds).toEqual(['escalation.raised', 'slack.error']);
    const told = (user: string) =>
      h.fake.directMessages(TEAM.id, user).filter((m) => JSON.stringify(m).includes('ES-1'));
    expect(told(OPERATOR).length).toBeGreaterThanOrEqual(1);
    expect(told(e.partner)).toEqual([]);
  });
});

describe('a terminated engagement', () => {
  it('its open escalations stop climbing and no longer wait on anyone in App Home', async () => {
    const e = await engagement();
    await raise(OPERATOR, e.slug, 'high', 'Left open at termination');
    const row = await escalationRow(e.engagement.id, 'ES-1');
    const reply = await commandReply(h, ERIN, `terminate ${e.slug} Vendor breached the charter`);
    expect(reply.text).toContain('is terminated');
    await h.app.idle();
    t += 5 * H;
    await dueMomentsRunNow();
    expect(await escalationRow(e.engagement.id, 'ES-1')).toMatchObject({ level: 1, step: 0 });
    h.fake.reset();
    await h.driver.event({ type: 'app_home_opened', user: ERIN, channel: 'D0ERIN', tab: 'home' });
    await h.app.idle();
    const home = h.fake.callsTo('views.publish').at(-1);
    expect(home).toBeDefined();
    expect(json(home?.args.view)).not.toContain(`${RISK.escalationActionsBlock}:${row.id}`);
  });
});
