import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { eventually, partnerEngagement, recordsOf } from '../support/partner-channel.js';

// Gate reconciliation: a partner who got into a gated partner channel while the app was stopped
// (no member_joined_channel ever reached it) is found by the scheduler's reconciliation after the
// restart, through conversations.members (paginated), and removed by the gating job, recorded.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('gate reconciliation', () => {
  let h: Harness | undefined;
  afterAll(async () => {
    await h?.stop();
  });

  it('removes a partner added to a gated channel while the app was stopped, and records it', async () => {
    const first = await startHarness({ databaseUrl: database.url });
    const { engagement, channelId, members } = await partnerEngagement(first);
    const partner = members[0] as string;
    await first.stop();

    // Slack, meanwhile: the partner joined (and 250 others, so members come in several pages).
    h = await startHarness({ databaseUrl: database.url });
    const others = Array.from({ length: 250 }, (_, i) => `U0MEMBER${i}`);
    for (const id of [...members, ...others])
      h.fake.addUser(TEAM.id, { id, name: id.toLowerCase() });
    h.fake.addChannel(TEAM.id, {
      id: channelId,
      name: 'partner-channel',
      isPrivate: true,
      members: [TEAM.botUserId, ...others.slice(0, 150), partner, ...others.slice(150)],
    });

    await h.app.scheduler?.runOnce();
    await eventually(() =>
      expect(h?.fake.channel(TEAM.id, channelId)?.members).not.toContain(partner),
    );
    await h.app.idle();
    expect(h.fake.callsTo('conversations.members').length).toBeGreaterThanOrEqual(2);
    expect(h.fake.callsTo('conversations.kick').map((c) => c.args.user)).toEqual([partner]);
    const records = await recordsOf(h, engagement.id);
    expect(records.map((r) => r.kind)).toEqual([
      'boundary.partner_joined',
      'boundary.partner_removed',
    ]);
    expect(h.fake.channel(TEAM.id, channelId)?.members).toHaveLength(251);

    // The next interval finds nothing to do.
    await h.app.scheduler?.runOnce();
    await h.app.idle();
    expect(h.fake.callsTo('conversations.kick')).toHaveLength(1);
  });
});
