import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { JOB_SCHEMA } from '../../src/jobs/queue.js';
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

describe('the reconciliation interval', () => {
  it('is AMOS_RECONCILE_EVERY: one run per workspace per interval, however often the scheduler passes', async () => {
    let t = new Date('2026-12-07T10:00:00Z').getTime();
    const clock: Clock = { now: () => new Date(t) };
    const h = await startHarness({ clock, env: { AMOS_RECONCILE_EVERY: '10m' } });
    try {
      await partnerEngagement(h);
      const runs = async () => {
        const { rows } = await sql<{ key: string }>`
          select singleton_key as key from ${sql.raw(JOB_SCHEMA)}.job
          where name = 'reconcile-gates' order by created_on`.execute(h.db);
        return rows.map((r) => r.key);
      };
      const passAt = async (iso: string) => {
        t = new Date(iso).getTime();
        await h.app.scheduler?.runOnce();
        await h.app.idle();
      };
      const slot = (iso: string) => `${TEAM.id}:${Math.floor(new Date(iso).getTime() / 600_000)}`;
      // Passes every 30 s (or any other cadence) within one interval: one run.
      for (const at of ['10:00:00', '10:00:30', '10:04:00', '10:09:59'])
        await passAt(`2026-12-07T${at}Z`);
      expect(await runs()).toEqual([slot('2026-12-07T10:00:00Z')]);
      // 10:10 starts the next 10-minute interval (with the default 15m it would not).
      await passAt('2026-12-07T10:10:00Z');
      await passAt('2026-12-07T10:19:00Z');
      await passAt('2026-12-07T10:20:00Z');
      expect(await runs()).toEqual([
        slot('2026-12-07T10:00:00Z'),
        slot('2026-12-07T10:10:00Z'),
        slot('2026-12-07T10:20:00Z'),
      ]);
      expect(h.fake.callsTo('conversations.members').length).toBeGreaterThanOrEqual(3);
    } finally {
      await h.stop();
    }
  });
});
