import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chainKey } from '../../src/domain/decision-record.js';
import { ACTIVATION } from '../../src/slack/ids.js';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';
import { eventually } from '../support/approval-fixtures.js';
import type { CommandResult } from '../support/driver.js';
import { holdEngagementLock } from '../support/locks.js';
import {
  type PartnerSetup,
  partnerEngagement,
  recordsOf,
  responsesTo,
  stageOf,
  textOf,
} from '../support/partner-channel.js';

let h: Harness;
let setup: PartnerSetup;
let partner: string;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});
beforeEach(async () => {
  h.fake.reset();
  setup = await partnerEngagement(h);
  partner = setup.members[0] as string;
});

/** The reply to a command: its ack body, or (after an early ack) its first respond() post. */
async function replyTo(res: CommandResult): Promise<string> {
  const acked = (res.json as { text?: string } | undefined)?.text;
  if (acked) return acked;
  return textOf((await responsesTo(h, res.responseUrl))[0]);
}

const ATTEMPTS = ['approve EX-1', 'diagnostic', 'activate', 'scope'];

async function expectNothingChanged(engagementId: string, records: string[] = []) {
  expect(await stageOf(h, engagementId)).toBe('execution_approved');
  expect((await recordsOf(h, engagementId)).map((r) => r.kind)).toEqual(records);
  expect(h.fake.callsTo('views.open')).toEqual([]);
  expect(
    h.fake.calls.filter((c) =>
      ['conversations.invite', 'chat.postMessage', 'pins.add'].includes(c.method),
    ),
  ).toEqual([]);
  const acks = await h.db
    .selectFrom('charter_ack')
    .selectAll()
    .where('engagement_id', '=', engagementId)
    .execute();
  expect(acks).toEqual([]);
}

describe('a partner before activation', () => {
  it('is refused approve, diagnostic, activate and scope in the gated channel, each a boundary event', async () => {
    const { engagement, channelId } = setup;
    for (const text of ATTEMPTS) {
      const res = await h.driver.command(partner, text, { channelId });
      const name = text.split(' ')[0];
      const reply = await replyTo(res);
      expect(reply).toContain(`You can't use \`/amos ${name}\` here yet`);
      expect(reply).toContain('execution approved');
      expect(reply).toContain('an executive activates the partner');
    }
    // The refusal is the ack; the boundary event is written just after it.
    await eventually(() =>
      expectNothingChanged(
        engagement.id,
        ATTEMPTS.map(() => 'boundary.partner_command'),
      ),
    );
    // Each is written just after its own ack, so two consecutive refusals may be recorded in
    // either order: compare the set, not the order.
    const records = await recordsOf(h, engagement.id);
    expect(records.map((r) => (r.details as { command: string }).command).sort()).toEqual([
      'activate',
      'approve',
      'diagnostic',
      'scope',
    ]);
    expect(
      records.find((r) => (r.details as { command: string }).command === 'approve')?.details,
    ).toEqual({
      channel: channelId,
      user: partner,
      command: 'approve',
      stage: 'execution_approved',
    });
    expect(JSON.stringify(records)).not.toContain('EX-1');
  });

  it('is answered before anything is locked or written: the boundary event follows the ack', async () => {
    const { engagement, channelId } = setup;
    const chain = chainKey(TEAM.id, engagement.id);
    // Another change holds the engagement row and the chain's append lock meanwhile.
    const release = await holdEngagementLock(h.db, engagement.id, { chain });
    try {
      const res = await h.driver.command(partner, 'approve EX-1', { channelId });
      expect((res.json as { text?: string }).text).toContain(
        "You can't use `/amos approve` here yet",
      );
      expect(await recordsOf(h, engagement.id)).toEqual([]);
    } finally {
      await release();
    }
    await eventually(async () => {
      const records = await recordsOf(h, engagement.id);
      expect(records.map((r) => r.kind)).toEqual(['boundary.partner_command']);
    });
  });

  it('is refused the same commands elsewhere, with nothing changed and no boundary event', async () => {
    const { engagement } = setup;
    const replies: Record<string, string> = {};
    for (const text of ATTEMPTS) {
      const res = await h.driver.command(partner, `${text.split(' ')[0]} ${engagement.slug}`, {
        channelId: 'C0GENERAL',
      });
      replies[text.split(' ')[0] ?? ''] = await replyTo(res);
    }
    expect(replies.activate).toContain('Only an executive or admin may activate partners');
    expect(replies.activate).toContain('your AMOS role is partner');
    expect(replies.diagnostic).toMatch(/partner/i);
    expect(replies.approve).toContain('Only an executive or admin may approve or reject requests');
    expect(replies.scope).toContain(
      'Only an operator may define scope items, acceptance criteria and stages',
    );
    for (const reply of Object.values(replies)) expect(reply).not.toContain("can't use");
    await expectNothingChanged(engagement.id);
  });

  it('may still use help and status in the gated channel', async () => {
    const { engagement, channelId } = setup;
    const help = await replyTo(await h.driver.command(partner, 'help', { channelId }));
    expect(help).toContain('AMOS commands');
    const status = await replyTo(await h.driver.command(partner, 'status', { channelId }));
    expect(status).not.toContain("can't use");
    expect(await recordsOf(h, engagement.id)).toEqual([]);
  });

  it('cannot acknowledge the charter yet', async () => {
    const { engagement, channelId } = setup;
    const res = await h.driver.blockAction(
      partner,
      { actionId: ACTIVATION.charterAckAction, value: engagement.id },
      { channelId },
    );
    const reply = textOf((await responsesTo(h, res.responseUrl))[0]);
    expect(reply).toContain('execution approved');
    expect(reply).toContain('/amos activate');
    await expectNothingChanged(engagement.id);
  });

  it('lets a non-partner command through the gate to its own checks', async () => {
    const { engagement, channelId } = setup;
    const reply = await replyTo(await h.driver.command('U0OPER', 'activate', { channelId }));
    expect(reply).not.toContain("can't use");
    expect(reply).toContain('Only an executive or admin may activate partners');
    expect(await recordsOf(h, engagement.id)).toEqual([]);
  });
});
