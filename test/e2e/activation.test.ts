import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACTIVATION } from '../../src/slack/ids.js';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';
import {
  eventually,
  partnerEngagement,
  recordsOf,
  responsesTo,
  stageOf,
  textOf,
} from '../support/partner-channel.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});
beforeEach(() => h.fake.reset());

const json = (value: unknown) => JSON.stringify(value);
const slackCallsThatChangeThings = () =>
  h.fake.calls.filter((c) =>
    ['conversations.invite', 'chat.postMessage', 'pins.add', 'chat.postEphemeral'].includes(
      c.method,
    ),
  );

async function activate(slug: string, userId = 'U0EXEC') {
  const res = await h.driver.command(userId, `activate ${slug}`);
  expect(res.status).toBe(200);
  // A refusal is the ack itself (nothing was committed); the outcome of a change follows it.
  const acked = (res.json as { text?: string } | undefined)?.text;
  if (acked) return acked;
  const [reply] = await responsesTo(h, res.responseUrl);
  return textOf(reply);
}

describe('/amos activate', () => {
  it('invites the members, posts and pins requirements and charter, asks for acknowledgement', async () => {
    const { engagement, channelId, members, org } = await partnerEngagement(h);
    const reply = await activate(engagement.slug);

    expect(reply).toContain(`${engagement.slug.toUpperCase()} is active`);
    expect(await stageOf(h, engagement.id)).toBe('active');
    const invites = h.fake.callsTo('conversations.invite');
    expect(invites.map((c) => [c.args.channel, c.args.users])).toEqual(
      members.map((m) => [channelId, m]),
    );
    const channel = h.fake.channel(TEAM.id, channelId);
    expect(channel?.members).toEqual(expect.arrayContaining(members));

    const [requirements, charter, ask] = h.fake.messages(channelId);
    expect(h.fake.messages(channelId)).toHaveLength(3);
    expect(json(requirements?.blocks)).toContain('SC-1 · Lifecycle email program');
    expect(json(requirements?.blocks)).toContain('Open rate above 35%');
    expect(json(requirements?.blocks)).toContain('due 2026-12-15');
    expect(json(requirements?.blocks)).toContain('ST-1 · Mid-point review*: 2026-12-01');
    for (const heading of [
      'Partners Do',
      'Partners Do Not',
      'Governance Expectations',
      'Core Risk Controls',
    ]) {
      expect(json(charter?.blocks)).toContain(`*${heading}`);
    }
    expect(json(charter?.blocks)).toContain(org.name);
    expect(channel?.pins).toEqual([requirements?.ts, charter?.ts]);
    expect(json(ask?.blocks)).toContain(ACTIVATION.charterAckAction);
    expect(json(ask?.blocks)).toContain('I acknowledge the charter');
    for (const m of members) expect(json(ask?.blocks)).toContain(`<@${m}>`);
    expect(h.fake.violations).toEqual([]);

    const records = await recordsOf(h, engagement.id);
    expect(records.map((r) => r.kind)).toEqual(['engagement.activated']);
    expect(records[0]?.actor_id).toBe('U0EXEC');
    expect(records[0]?.actor_role).toBe('executive');
  });

  it('records a member acknowledging the charter once, and updates the request in place', async () => {
    const { engagement, channelId, members } = await partnerEngagement(h);
    await activate(engagement.slug);
    const ask = h.fake.messages(channelId)[2];
    const [first, second] = members as [string, string];
    const click = (userId: string) =>
      h.driver.blockAction(
        userId,
        {
          actionId: ACTIVATION.charterAckAction,
          blockId: ACTIVATION.charterAckBlock,
          value: engagement.id,
        },
        { channelId, messageTs: ask?.ts },
      );

    const res = await click(first);
    expect(res.status).toBe(200);
    const [confirmation] = await responsesTo(h, res.responseUrl);
    expect(confirmation?.body.response_type).toBe('ephemeral');
    expect(textOf(confirmation)).toContain('acknowledgement of the');
    const acks = await h.db
      .selectFrom('charter_ack')
      .select(['user_id', 'charter_version'])
      .where('engagement_id', '=', engagement.id)
      .execute();
    expect(acks).toEqual([{ user_id: first, charter_version: 1 }]);
    await eventually(() => {
      const updated = h.fake.messages(channelId)[2];
      expect(json(updated?.blocks)).toContain(`*Acknowledged:* <@${first}>`);
      expect(json(updated?.blocks)).toContain(`*Waiting for:* <@${second}>`);
    });
    expect(h.fake.callsTo('chat.update')[0]?.args.ts).toBe(ask?.ts);

    const again = await click(first);
    expect(textOf((await responsesTo(h, again.responseUrl))[0])).toContain('already acknowledged');
    const kinds = (await recordsOf(h, engagement.id)).map((r) => r.kind);
    expect(kinds).toEqual(['engagement.activated', 'charter.acknowledged']);
  });

  it('updates the request by a job: a 5xx on chat.update is retried, the message stays one', async () => {
    const { engagement, channelId, members } = await partnerEngagement(h);
    await activate(engagement.slug);
    await h.app.idle();
    const before = h.fake.messages(channelId).length;
    const ask = h.fake.messages(channelId)[2];
    h.fake.reset();
    h.fake.failNext('chat.update', { status: 500 });
    const [first] = members as [string];
    const res = await h.driver.blockAction(
      first,
      { actionId: ACTIVATION.charterAckAction, value: engagement.id },
      { channelId, messageTs: ask?.ts },
    );
    expect(res.status).toBe(200);
    await h.app.idle();
    const updates = h.fake.callsTo('chat.update');
    expect(updates.map((c) => [c.status, c.args.ts])).toEqual([
      [500, ask?.ts],
      [200, ask?.ts],
    ]);
    expect(h.fake.callsTo('chat.postMessage')).toEqual([]);
    expect(h.fake.messages(channelId)).toHaveLength(before);
    expect(json(h.fake.messages(channelId)[2]?.blocks)).toContain(`*Acknowledged:* <@${first}>`);
    const kinds = (await recordsOf(h, engagement.id)).map((r) => r.kind);
    expect(kinds).not.toContain('slack.error');
  });

  it('refuses the acknowledgement of someone outside the partner organisation', async () => {
    const { engagement, channelId } = await partnerEngagement(h);
    await activate(engagement.slug);
    const res = await h.driver.blockAction(
      'U0EXEC',
      { actionId: ACTIVATION.charterAckAction, value: engagement.id },
      { channelId, messageTs: h.fake.messages(channelId)[2]?.ts },
    );
    expect(textOf((await responsesTo(h, res.responseUrl))[0])).toContain(
      'Only members of the partner organisation',
    );
    const acks = await h.db
      .selectFrom('charter_ack')
      .selectAll()
      .where('engagement_id', '=', engagement.id)
      .execute();
    expect(acks).toEqual([]);
    expect((await recordsOf(h, engagement.id)).map((r) => r.kind)).toEqual([
      'engagement.activated',
    ]);
  });

  it.each([
    ['not_fit', 'not a fit'],
    ['needs_conversation', 'needs conversation'],
  ] as const)(
    'is refused when the latest fit verdict is %s, changing nothing',
    async (verdict, label) => {
      const { engagement, org } = await partnerEngagement(h, { verdict });
      const reply = await activate(engagement.slug);
      expect(reply).toContain('Partner activation');
      expect(reply).toContain(`a *fit* verdict for ${org.name} (latest: ${label}`);
      expect(reply).toContain('/amos fit');
      expect(await stageOf(h, engagement.id)).toBe('execution_approved');
      expect(await recordsOf(h, engagement.id)).toEqual([]);
      expect(slackCallsThatChangeThings()).toEqual([]);
    },
  );

  it('lists every gap at once: no fit verdict and no partner channel', async () => {
    const { engagement } = await partnerEngagement(h, { verdict: 'needs_conversation' });
    await h.db
      .updateTable('engagement')
      .set({ partner_channel_id: null })
      .where('id', '=', engagement.id)
      .execute();
    const reply = await activate(engagement.slug);
    expect(reply).toContain('needs conversation');
    expect(reply).toContain('a partner channel');
    expect(await stageOf(h, engagement.id)).toBe('execution_approved');
  });

  it('is refused to an operator (executives activate), changing nothing', async () => {
    const { engagement } = await partnerEngagement(h);
    const reply = await activate(engagement.slug, 'U0OPER');
    expect(reply).toMatch(/executive/i);
    expect(await stageOf(h, engagement.id)).toBe('execution_approved');
    expect(slackCallsThatChangeThings()).toEqual([]);
  });
});

describe('Slack errors during activation', () => {
  it('reports a refused invite to the executive and operator, and records it', async () => {
    const { engagement, channelId, members } = await partnerEngagement(h);
    h.fake.failNext('conversations.invite', { error: 'cant_invite' });
    const reply = await activate(engagement.slug);
    await h.app.idle();

    expect(reply).toContain(`${engagement.slug.toUpperCase()} is active`);
    expect(await stageOf(h, engagement.id)).toBe('active');
    expect(h.fake.channel(TEAM.id, channelId)?.members).toContain(members[1]);
    expect(h.fake.messages(channelId)).toHaveLength(3);
    for (const userId of ['U0EXEC', 'U0OPER']) {
      const dm = json(h.fake.directMessages(TEAM.id, userId).at(-1)?.blocks);
      expect(dm).toContain('cant_invite');
      expect(dm).toContain('*What to do:*');
      expect(dm).toContain(`invite <@${members[0]}>`);
    }
    const records = await recordsOf(h, engagement.id);
    expect(records.map((r) => r.kind)).toEqual(['engagement.activated', 'slack.error']);
    expect(records[1]?.details).toMatchObject({
      method: 'conversations.invite',
      error: 'cant_invite',
      channel: channelId,
      user: members[0],
    });
  });

  it('stops at not_in_channel, says what was not done, and the retry finishes the set-up', async () => {
    const { engagement, channelId, members } = await partnerEngagement(h, { botInChannel: false });
    await activate(engagement.slug);
    await h.app.idle();
    expect(h.fake.callsTo('conversations.invite')).toHaveLength(1);
    expect(h.fake.callsTo('pins.add')).toHaveLength(0);
    const dm = h.fake.directMessages(TEAM.id, 'U0OPER').at(-1);
    expect(json(dm?.blocks)).toContain('not_in_channel');
    expect(json(dm?.blocks)).toContain('Not attempted because of that');
    expect(json(dm?.blocks)).toContain('/invite @AMOS');
    const records = await recordsOf(h, engagement.id);
    expect(records.map((r) => r.kind)).toEqual(['engagement.activated', 'slack.error']);

    h.fake.channel(TEAM.id, channelId)?.members.push(TEAM.botUserId);
    const blocks = (dm?.blocks ?? []) as { type: string; elements?: { value?: string }[] }[];
    const button = blocks.find((b) => b.type === 'actions')?.elements?.[0];
    const res = await h.driver.blockAction(
      'U0OPER',
      { actionId: ACTIVATION.retrySetupAction, value: button?.value ?? '' },
      { channelId: dm?.channel, messageTs: dm?.ts },
    );
    expect(textOf((await responsesTo(h, res.responseUrl))[0])).toContain('being redone');
    await h.app.idle();
    expect(h.fake.channel(TEAM.id, channelId)?.members).toEqual(expect.arrayContaining(members));
    expect(h.fake.messages(channelId)).toHaveLength(3);
    expect(h.fake.channel(TEAM.id, channelId)?.pins).toHaveLength(2);
    expect((await recordsOf(h, engagement.id)).map((r) => r.kind)).toEqual([
      'engagement.activated',
      'slack.error',
      'activation.setup_retried',
    ]);
  });
});
