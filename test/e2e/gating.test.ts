import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';
import { createPartnerOrg } from '../support/factories.js';
import { holdEngagementLock } from '../support/locks.js';
import { eventually, partnerEngagement, recordsOf } from '../support/partner-channel.js';

let h: Harness;
let warn: Harness;
beforeAll(async () => {
  [h, warn] = await Promise.all([
    startHarness(),
    startHarness({ env: { AMOS_GATING_MODE: 'warn' } }),
  ]);
});
afterAll(async () => {
  await Promise.all([h?.stop(), warn?.stop()]);
});
beforeEach(() => {
  h.fake.reset();
  warn.fake.reset();
});

/**
 * Slack tells the app `userId` joined (the fake's member list is updated as Slack's would be).
 * Pass `eventId` (and `retryNum`) for Slack's redelivery of that event, signed afresh.
 */
async function deliverJoin(
  on: Harness,
  channelId: string,
  userId: string,
  redelivery: { eventId?: string; retryNum?: number } = {},
) {
  on.fake.addUser(TEAM.id, { id: userId, name: userId.toLowerCase() });
  const members = on.fake.channel(TEAM.id, channelId)?.members;
  if (members && !members.includes(userId)) members.push(userId);
  return on.driver.event(
    {
      type: 'member_joined_channel',
      user: userId,
      channel: channelId,
      channel_type: 'G',
      team: TEAM.id,
      event_ts: `${Date.now() / 1000}`,
    },
    redelivery,
  );
}

/** A join that Slack must see acked (200). */
async function join(on: Harness, channelId: string, userId: string, eventId?: string) {
  const res = await deliverJoin(on, channelId, userId, eventId ? { eventId, retryNum: 1 } : {});
  expect(res.status).toBe(200);
  return res;
}

/** Whether a change stored this event's id (request_receipt), as a redelivery will look for. */
async function eventStored(on: Harness, eventId: string): Promise<boolean> {
  const row = await on.db
    .selectFrom('request_receipt')
    .select('request_key')
    .where('request_key', '=', `event:${eventId}`)
    .executeTakeFirst();
  return row !== undefined;
}

/** Waits until both apps have finished every request, so "nothing happened" can be asserted. */
const settle = async () => {
  await Promise.all([h.app.idle(), warn.app.idle()]);
};

describe('a partner joining the gated partner channel (enforce, the default)', () => {
  it('is removed, told why, and the join and then the removal are boundary events', async () => {
    const { engagement, channelId, members } = await partnerEngagement(h);
    const partner = members[0] as string;
    await join(h, channelId, partner);

    const kick = await h.fake.waitFor('conversations.kick');
    expect(kick.args).toMatchObject({ channel: channelId, user: partner });
    expect(h.fake.channel(TEAM.id, channelId)?.members).not.toContain(partner);
    await eventually(async () => {
      const records = await recordsOf(h, engagement.id);
      expect(records.map((r) => r.kind)).toEqual([
        'boundary.partner_joined',
        'boundary.partner_removed',
      ]);
      expect(records[0]?.details).toEqual({
        channel: channelId,
        user: partner,
        stage: 'execution_approved',
        action: 'remove',
        memberOfEngagementOrg: true,
      });
      expect(records[1]?.details).toEqual({
        channel: channelId,
        user: partner,
        joinedRecord: records[0]?.seq,
      });
      expect(records.map((r) => r.actor_role)).toEqual(['partner', 'partner']);
    });
    await eventually(() => {
      const dm = h.fake.directMessages(TEAM.id, partner).at(-1)?.text ?? '';
      expect(dm).toContain('You were removed from');
      expect(dm).toContain('execution approved');
      expect(dm).toContain('/amos activate');
    });
  });

  it('answers the join only after its boundary record committed', async () => {
    const { engagement, channelId, members } = await partnerEngagement(h);
    const partner = members[0] as string;
    const res = await join(h, channelId, partner);
    // No idle wait: the ack is the promise that the record is there.
    const [record] = await recordsOf(h, engagement.id);
    expect(record?.kind).toBe('boundary.partner_joined');
    expect(record?.details).toMatchObject({ user: partner, action: 'remove' });
    expect(await eventStored(h, res.eventId)).toBe(true);
    await h.fake.waitFor('conversations.kick');
  });

  it('does not ack a join whose change timed out on a lock; its redelivery commits it once', async () => {
    const { engagement, channelId, members } = await partnerEngagement(h);
    const partner = members[0] as string;
    // Another change holds the engagement row past the lock timeout (1.5 s): the join waits,
    // times out and writes nothing, so it is not acked and Slack will deliver it again.
    const release = await holdEngagementLock(h.db, engagement.id);
    let first: Awaited<ReturnType<typeof deliverJoin>>;
    try {
      first = await deliverJoin(h, channelId, partner);
      expect(first.status).toBe(503);
      expect(await recordsOf(h, engagement.id)).toEqual([]);
      expect(await eventStored(h, first.eventId)).toBe(false);
    } finally {
      await release();
    }
    await h.app.idle();
    expect(await recordsOf(h, engagement.id)).toEqual([]);
    expect(h.fake.callsTo('conversations.kick')).toEqual([]);

    // Slack's retry: the same event id, signed afresh, with X-Slack-Retry-Num.
    await join(h, channelId, partner, first.eventId);
    expect((await recordsOf(h, engagement.id)).map((r) => r.kind)).toEqual([
      'boundary.partner_joined',
    ]);
    await h.fake.waitFor('conversations.kick');
    await eventually(async () => {
      const records = await recordsOf(h, engagement.id);
      expect(records.map((r) => r.kind)).toEqual([
        'boundary.partner_joined',
        'boundary.partner_removed',
      ]);
    });
    await settle();
    expect(h.fake.callsTo('conversations.kick')).toHaveLength(1);
  });

  it('answers 503 within Slack’s 3 s when the join is slower than that; the late commit is not repeated', async () => {
    const { engagement, channelId, members } = await partnerEngagement(h);
    const partner = members[0] as string;
    const eventId = `EvSLOW${Date.now()}`;
    // Two statements of this join's change take 1.5 s each (each under the 2 s statement
    // timeout): the change commits after about 3 s, past the 2.5 s the app waits for it.
    await sql`
      create function amos_test_slow() returns trigger language plpgsql as $$
      begin perform pg_sleep(1.5); return new; end $$`.execute(h.db);
    await sql`
      create trigger amos_test_slow_receipt before insert on request_receipt for each row
      when (new.request_key = ${sql.lit(`event:${eventId}`)}) execute function amos_test_slow()`.execute(
      h.db,
    );
    await sql`
      create trigger amos_test_slow_record before insert on decision_record for each row
      when (new.engagement_id = ${sql.lit(engagement.id)}) execute function amos_test_slow()`.execute(
      h.db,
    );
    try {
      const started = Date.now();
      const slow = await deliverJoin(h, channelId, partner, { eventId });
      const answeredMs = Date.now() - started;
      expect(slow.status).toBe(503);
      expect(answeredMs).toBeGreaterThanOrEqual(2_400);
      expect(answeredMs).toBeLessThan(3_000);
      // The change was still running when the 503 went out; it commits afterwards.
      await h.app.idle();
      expect((await recordsOf(h, engagement.id)).map((r) => r.kind)).toContain(
        'boundary.partner_joined',
      );
      expect(await eventStored(h, eventId)).toBe(true);
    } finally {
      await sql`drop trigger amos_test_slow_receipt on request_receipt`.execute(h.db);
      await sql`drop trigger amos_test_slow_record on decision_record`.execute(h.db);
      await sql`drop function amos_test_slow()`.execute(h.db);
    }
    // Slack's retry finds the event id stored: acked, and nothing more is recorded.
    await join(h, channelId, partner, eventId);
    await settle();
    const joined = (await recordsOf(h, engagement.id)).filter(
      (r) => r.kind === 'boundary.partner_joined',
    );
    expect(joined).toHaveLength(1);
    expect(
      h.fake.callsTo('conversations.kick').filter((c) => c.args.user === partner),
    ).toHaveLength(1);
  });

  it('removes a partner of another organisation even while the engagement is active', async () => {
    const { engagement, channelId } = await partnerEngagement(h, { stage: 'active' });
    await createPartnerOrg(h.db, { name: 'Other agency', members: ['U0OTHER'] });
    await join(h, channelId, 'U0OTHER');
    await h.fake.waitFor('conversations.kick');
    await eventually(async () => {
      const [joined, removed] = await recordsOf(h, engagement.id);
      expect(joined?.kind).toBe('boundary.partner_joined');
      expect(joined?.details).toMatchObject({ stage: 'active', memberOfEngagementOrg: false });
      expect(removed?.kind).toBe('boundary.partner_removed');
    });
  });

  it('lets the engagement’s own partner in once it is active', async () => {
    const { engagement, channelId, members } = await partnerEngagement(h, { stage: 'active' });
    await join(h, channelId, members[0] as string);
    await settle();
    expect(h.fake.calls.filter((c) => c.args.channel === channelId)).toEqual([]);
    expect(await recordsOf(h, engagement.id)).toEqual([]);
  });

  it('removes a partner again while the engagement is paused', async () => {
    const { engagement, channelId, members } = await partnerEngagement(h, { stage: 'paused' });
    await join(h, channelId, members[0] as string);
    await h.fake.waitFor('conversations.kick');
    await eventually(async () => {
      const [record] = await recordsOf(h, engagement.id);
      expect(record?.details).toMatchObject({ stage: 'paused' });
    });
  });

  it('leaves a non-partner alone and records nothing', async () => {
    const { engagement, channelId } = await partnerEngagement(h);
    await join(h, channelId, 'U0CLIENT');
    await settle();
    const touching = h.fake.calls.filter(
      (c) => c.args.channel === channelId || c.args.user === 'U0CLIENT',
    );
    expect(touching).toEqual([]);
    expect(await recordsOf(h, engagement.id)).toEqual([]);
    expect(h.fake.channel(TEAM.id, channelId)?.members).toContain('U0CLIENT');
  });

  it('acks a redelivery of a join already committed and changes nothing', async () => {
    const { engagement, channelId, members } = await partnerEngagement(h);
    const partner = members[0] as string;
    const first = await join(h, channelId, partner);
    await h.fake.waitFor('conversations.kick');
    await eventually(async () => expect(await recordsOf(h, engagement.id)).toHaveLength(2));
    const again = await join(h, channelId, partner, first.eventId);
    expect(again.status).toBe(200);
    expect((await recordsOf(h, engagement.id)).map((r) => r.kind)).toEqual([
      'boundary.partner_joined',
      'boundary.partner_removed',
    ]);
    await settle();
    expect(
      h.fake.callsTo('conversations.kick').filter((c) => c.args.user === partner),
    ).toHaveLength(1);
    expect((await recordsOf(h, engagement.id)).map((r) => r.kind)).toEqual([
      'boundary.partner_joined',
      'boundary.partner_removed',
    ]);
  });

  it('records the join and a slack.error, never a removal, and tells the operator when Slack refuses the kick', async () => {
    const { engagement, channelId, members } = await partnerEngagement(h);
    const partner = members[0] as string;
    h.fake.failNext('conversations.kick', { error: 'restricted_action' });
    await join(h, channelId, partner);

    await eventually(async () => {
      const records = await recordsOf(h, engagement.id);
      expect(records.map((r) => r.kind)).toEqual(['boundary.partner_joined', 'slack.error']);
      expect(records[0]?.details).toMatchObject({ user: partner, action: 'remove' });
      expect(records[1]?.details).toMatchObject({
        method: 'conversations.kick',
        error: 'restricted_action',
        channel: channelId,
        user: partner,
      });
    });
    await eventually(() => {
      const dm = JSON.stringify(h.fake.directMessages(TEAM.id, 'U0OPER').at(-1)?.blocks);
      expect(dm).toContain(`remove partner <@${partner}>`);
      expect(dm).toContain('restricted_action');
      expect(dm).toContain('*What to do:* Remove');
    });
    expect(h.fake.channel(TEAM.id, channelId)?.members).toContain(partner);
    await settle();
    const kinds = (await recordsOf(h, engagement.id)).map((r) => r.kind);
    expect(kinds).not.toContain('boundary.partner_removed');
    expect(h.fake.directMessages(TEAM.id, partner)).toEqual([]);
  });
});

describe('a partner message in the gated partner channel', () => {
  const message = (channelId: string, user: string, extra: Record<string, unknown> = {}) =>
    h.driver.event({
      type: 'message',
      channel: channelId,
      channel_type: 'group',
      user,
      text: 'our confidential plan',
      ts: `${Date.now() / 1000}`,
      team: TEAM.id,
      ...extra,
    });

  it('gets an ephemeral notice with the stage and next step, and a boundary event without the text', async () => {
    const { engagement, channelId, members } = await partnerEngagement(h);
    const partner = members[0] as string;
    h.fake.channel(TEAM.id, channelId)?.members.push(partner);
    await message(channelId, partner);

    const call = await h.fake.waitFor('chat.postEphemeral');
    expect(call.args).toMatchObject({ channel: channelId, user: partner });
    const notice = h.fake.channel(TEAM.id, channelId)?.ephemerals.at(-1);
    expect(notice?.user).toBe(partner);
    expect(notice?.text).toContain('execution approved');
    expect(notice?.text).toContain('/amos activate');
    await eventually(async () => {
      const records = await recordsOf(h, engagement.id);
      expect(records.map((r) => r.kind)).toEqual(['boundary.partner_message']);
      expect(records[0]?.details).toEqual({
        channel: channelId,
        user: partner,
        stage: 'execution_approved',
      });
      expect(JSON.stringify(records)).not.toContain('confidential');
    });
  });

  it('shows the notice by a job: once after a 429, and not twice after an uncertain 5xx', async () => {
    const { engagement, channelId, members } = await partnerEngagement(h);
    const partner = members[0] as string;
    h.fake.channel(TEAM.id, channelId)?.members.push(partner);
    h.fake.failNext('chat.postEphemeral', { status: 429, retryAfter: 1 });
    await message(channelId, partner);
    await settle();
    expect(h.fake.callsTo('chat.postEphemeral').map((c) => c.status)).toEqual([429, 200]);
    expect(
      h.fake.channel(TEAM.id, channelId)?.ephemerals.filter((e) => e.user === partner),
    ).toHaveLength(1);

    // A 5xx leaves it unknown whether Slack showed it; an ephemeral cannot be looked up, so it
    // is not shown again (at most once), and nothing is recorded as failed.
    h.fake.reset();
    h.fake.failNext('chat.postEphemeral', { status: 500 });
    await message(channelId, partner);
    await settle();
    expect(h.fake.callsTo('chat.postEphemeral').map((c) => c.status)).toEqual([500]);
    const kinds = (await recordsOf(h, engagement.id)).map((r) => r.kind);
    expect(kinds).toEqual(['boundary.partner_message', 'boundary.partner_message']);
  });

  it('ignores bot messages, other subtypes, non-partners and open channels', async () => {
    const gated = await partnerEngagement(h);
    const open = await partnerEngagement(h, { stage: 'active' });
    const partner = gated.members[0] as string;
    await message(gated.channelId, partner, { subtype: 'channel_join' });
    await message(gated.channelId, 'U0SOMEBOT', { bot_id: 'B0OTHER' });
    await message(gated.channelId, 'U0CLIENT');
    await message(open.channelId, open.members[0] as string);
    await settle();
    const channels = [gated.channelId, open.channelId];
    expect(h.fake.calls.filter((c) => channels.includes(String(c.args.channel)))).toEqual([]);
    expect(await recordsOf(h, gated.engagement.id)).toEqual([]);
    expect(await recordsOf(h, open.engagement.id)).toEqual([]);
  });
});

describe('AMOS_GATING_MODE=warn', () => {
  it('warns a joining partner and the operator, records it, and does not remove them', async () => {
    const { engagement, channelId, members } = await partnerEngagement(warn);
    const partner = members[0] as string;
    await join(warn, channelId, partner);

    const ephemeral = await warn.fake.waitFor('chat.postEphemeral');
    expect(ephemeral.args).toMatchObject({ channel: channelId, user: partner });
    expect(String(ephemeral.args.text)).toContain('not open to you yet');
    const notice = await warn.fake.waitFor(
      (c) => c.method === 'chat.postMessage' && c.args.channel === 'U0OPER',
    );
    expect(String(notice.args.text)).toContain(`<@${partner}>`);
    // Nothing about the partner is posted in the channel they can read.
    expect(
      warn.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === channelId),
    ).toEqual([]);
    expect(warn.fake.callsTo('conversations.kick')).toEqual([]);
    expect(warn.fake.channel(TEAM.id, channelId)?.members).toContain(partner);
    await eventually(async () => {
      const records = await recordsOf(warn, engagement.id);
      expect(records.map((r) => r.kind)).toEqual([
        'boundary.partner_joined',
        'boundary.partner_warned',
      ]);
      expect(records[0]?.details).toMatchObject({ action: 'warn', user: partner });
      expect(records[1]?.details).toMatchObject({ user: partner, joinedRecord: records[0]?.seq });
    });
  });

  it('records no warning when Slack refuses to post it: the join and a slack.error instead', async () => {
    const { engagement, channelId, members } = await partnerEngagement(warn);
    const partner = members[0] as string;
    // Only this channel's ephemeral fails: an earlier test's job still running must not take it.
    await warn.app.idle();
    warn.fake.failNext('chat.postEphemeral', { error: 'user_not_in_channel', channel: channelId });
    await join(warn, channelId, partner);

    await eventually(async () => {
      const records = await recordsOf(warn, engagement.id);
      expect(records.map((r) => r.kind)).toEqual(['boundary.partner_joined', 'slack.error']);
      expect(records[1]?.details).toMatchObject({
        method: 'chat.postEphemeral',
        error: 'user_not_in_channel',
        user: partner,
      });
    });
    // The operator's DMs arrive in any order (the failure report and other notices are separate
    // jobs): look for the report among them, not only at the last one.
    await eventually(() => {
      const dms = warn.fake
        .directMessages(TEAM.id, 'U0OPER')
        .map((m) => JSON.stringify(m.blocks ?? []));
      const report = dms.find((dm) => dm.includes(`warn partner <@${partner}>`));
      expect(report).toContain('user_not_in_channel');
    });
  });
});
