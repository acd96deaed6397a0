import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { type Harness, startHarness } from '../support/app-harness.js';
import { partnerEngagement, responsesTo } from '../support/partner-channel.js';

// Due-soon and overdue: activation stores the moments of its dated scope items (the factory's
// SC-1 is due 15 Dec 2026); the scheduler announces each once in the partner channel and to the
// operator, and once the engagement is paused, to the operator only.

let h: Harness;
let t = new Date('2026-12-10T10:00:00Z').getTime();
const clock: Clock = { now: () => new Date(t) };
beforeAll(async () => {
  h = await startHarness({ clock, env: { AMOS_DUE_SOON: '48h' } });
});
afterAll(async () => {
  await h?.stop();
});

async function passAt(iso: string) {
  t = new Date(iso).getTime();
  await h.app.scheduler?.runOnce();
  await h.app.idle();
}

describe('scope item due dates', () => {
  it('announce SC-1 due soon and then overdue once each, and not in the channel once paused', async () => {
    const { engagement, channelId } = await partnerEngagement(h);
    const res = await h.driver.command('U0EXEC', `activate ${engagement.slug}`);
    expect(res.status).toBe(200);
    await responsesTo(h, res.responseUrl);
    await h.app.idle();
    const about = (ref: string, where: string) =>
      h.fake
        .callsTo('chat.postMessage')
        .filter((c) => c.args.channel === where && String(c.args.text).includes(ref))
        .map((c) => String(c.args.text));

    await passAt('2026-12-13T23:59:00Z');
    expect(about('SC-1', channelId)).toEqual([]);
    await passAt('2026-12-14T00:00:00Z'); // 48 h before the end of 15 December (UTC)
    expect(about('SC-1', channelId)).toEqual([
      `${engagement.slug.toUpperCase()}: scope item SC-1 is due 15 Dec 2026.`,
    ]);
    // The operator's DM waits for their working hours (09:00 UTC, their zone being unknown).
    expect(about('SC-1', 'U0OPER')).toEqual([]);
    await passAt('2026-12-14T09:00:00Z');
    await passAt('2026-12-14T12:00:00Z');
    expect(about('SC-1', 'U0OPER')).toHaveLength(1);
    expect(about('SC-1', channelId)).toHaveLength(1);

    // Paused before it is overdue: the operator is told, the partner channel is not.
    await h.db
      .updateTable('engagement')
      .set({ stage: 'paused' })
      .where('id', '=', engagement.id)
      .execute();
    await passAt('2026-12-16T09:00:00Z');
    await passAt('2026-12-17T09:00:00Z');
    expect(about('SC-1', channelId)).toHaveLength(1);
    expect(about('SC-1', 'U0OPER')).toEqual([
      `${engagement.slug.toUpperCase()}: scope item SC-1 is due 15 Dec 2026.`,
      `${engagement.slug.toUpperCase()}: scope item SC-1 is overdue.`,
    ]);
  });
});
