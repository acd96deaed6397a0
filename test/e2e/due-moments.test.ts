import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { listRemindersFor } from '../../src/db/reminder-repository.js';
import { scheduleEngagementDueDates } from '../../src/services/scheduler-service.js';
import { DELIVERY } from '../../src/slack/ids.js';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';
import { commandReply, EXECS, OPERATOR } from '../support/approval-fixtures.js';
import { activeEngagement, changeValues, openedView } from '../support/delivery-fixtures.js';

// Due moments follow the engagement: an approved change request that moves SC-1's due date
// replaces its moments in the approval's transaction; a paused engagement's partner-channel
// reminders are held and go out on the first pass after it is active again; an ended one sends
// none. Stages are set in the database directly (as `/amos pause` will), the clock is moved.

const H = 3_600_000;
const SETTINGS = { after: 24 * H, repeat: 24 * H, dueSoon: 48 * H };
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
  const result = await h.app.scheduler?.runOnce();
  await h.app.idle();
  return result;
}

/** An active engagement (SC-1 due 15 Dec 2026) whose due moments activation stored. */
async function activated() {
  t = new Date('2026-12-10T10:00:00Z').getTime();
  const e = await activeEngagement(h);
  await h.db
    .transaction()
    .execute((trx) =>
      scheduleEngagementDueDates(
        trx,
        { teamId: TEAM.id, id: e.engagement.id, operatorId: OPERATOR },
        SETTINGS,
        clock.now(),
      ),
    );
  const [item] = await h.db
    .selectFrom('scope_item')
    .select(['id'])
    .where('engagement_id', '=', e.engagement.id)
    .where('ref', '=', 'SC-1')
    .execute();
  return { ...e, sc1: item?.id as string };
}

const setStage = (engagementId: string, stage: string) =>
  h.db.updateTable('engagement').set({ stage }).where('id', '=', engagementId).execute();

/** The posts about `ref` in one channel or DM, by text. */
const about = (ref: string, where: string) =>
  h.fake
    .callsTo('chat.postMessage')
    .filter((c) => c.args.channel === where && String(c.args.text).includes(ref))
    .map((c) => String(c.args.text));

/** SC-1's stored rows, as [kind, recipient, due moment, status]. */
async function rowsOf(sc1: string) {
  return (await listRemindersFor(h.db, TEAM.id, sc1)).map((r) => [
    r.kind,
    r.recipient,
    r.dueAt.toISOString(),
    r.status,
  ]);
}

describe('a due date moved by an approved change request', () => {
  it('replaces the old due-soon and overdue moments with the new ones in the approval', async () => {
    const e = await activated();
    expect(await rowsOf(e.sc1)).toEqual([
      ['scope_due_soon', null, '2026-12-14T00:00:00.000Z', 'pending'],
      ['scope_overdue', null, '2026-12-16T00:00:00.000Z', 'pending'],
    ]);
    const { view } = await openedView(h, e.partner, `change ${e.slug}`);
    const raised = await h.driver.viewSubmission(e.partner, {
      callbackId: DELIVERY.changeModal,
      privateMetadata: view.private_metadata,
      values: changeValues({
        description: 'Move SC-1 a week',
        amend: { ref: 'SC-1', due: '2026-12-22' },
      }),
    });
    expect(raised.status).toBe(200);
    expect(raised.json).toBeUndefined();
    await h.app.idle();
    // Raised, not approved: the moments stand.
    expect((await rowsOf(e.sc1)).map((r) => r[3])).toEqual(['pending', 'pending']);
    await commandReply(h, EXECS[0], `approve ${e.slug} CR-1`);
    const decided = await commandReply(h, EXECS[1], `approve ${e.slug} CR-1`);
    expect(decided.text).toContain('CR-1');
    // Committed with the approval (no pass has run since).
    expect(await rowsOf(e.sc1)).toEqual([
      ['scope_due_soon', null, '2026-12-14T00:00:00.000Z', 'cancelled'],
      ['scope_overdue', null, '2026-12-16T00:00:00.000Z', 'cancelled'],
      ['scope_due_soon', null, '2026-12-21T00:00:00.000Z', 'pending'],
      ['scope_overdue', null, '2026-12-23T00:00:00.000Z', 'pending'],
    ]);
    h.fake.reset();
    // The old moments come and go in silence; the new ones are announced once each.
    await passAt('2026-12-14T00:00:00Z');
    await passAt('2026-12-16T00:00:00Z');
    expect(about('SC-1', e.channelId)).toEqual([]);
    await passAt('2026-12-21T00:00:00Z');
    await passAt('2026-12-21T00:05:00Z');
    await passAt('2026-12-23T00:00:00Z');
    const label = e.slug.toUpperCase();
    expect(about('SC-1', e.channelId)).toEqual([
      `${label}: scope item SC-1 is due 22 Dec 2026.`,
      `${label}: scope item SC-1 is overdue.`,
    ]);
  });
});

describe('a paused engagement', () => {
  it('holds its partner-channel reminder and sends it on the first pass after it is active again', async () => {
    const e = await activated();
    await setStage(e.engagement.id, 'paused');
    h.fake.reset();
    const paused = await passAt('2026-12-14T00:00:00Z');
    expect(paused).toMatchObject({ fannedOut: 1, held: 1 });
    await passAt('2026-12-14T12:00:00Z');
    // Held, not dropped; the operator (not partner-facing) is told in their working hours.
    expect(about('SC-1', e.channelId)).toEqual([]);
    expect(about(`${e.slug.toUpperCase()}: scope item SC-1`, OPERATOR)).toHaveLength(1);
    expect(await rowsOf(e.sc1)).toContainEqual([
      'scope_due_soon',
      e.channelId,
      '2026-12-14T00:00:00.000Z',
      'held',
    ]);
    await setStage(e.engagement.id, 'active');
    const resumed = await passAt('2026-12-14T12:01:00Z');
    expect(resumed).toMatchObject({ released: 1, delivered: 1 });
    await passAt('2026-12-14T12:02:00Z');
    const label = e.slug.toUpperCase();
    expect(about('SC-1', e.channelId)).toEqual([`${label}: scope item SC-1 is due 15 Dec 2026.`]);
    expect(about(`${label}: scope item SC-1`, OPERATOR)).toHaveLength(1);
  });

  it('once terminated sends none: what was held is cancelled, what comes due is dropped', async () => {
    const e = await activated();
    await setStage(e.engagement.id, 'paused');
    h.fake.reset();
    await passAt('2026-12-14T00:00:00Z');
    await setStage(e.engagement.id, 'terminated');
    const ended = await passAt('2026-12-14T12:00:00Z');
    expect(ended).toMatchObject({ released: 0 });
    await passAt('2026-12-16T10:00:00Z');
    await passAt('2026-12-17T10:00:00Z');
    expect(about('SC-1', e.channelId)).toEqual([]);
    // The operator DM deferred to 09:00 before the end is dropped when it comes due.
    expect(about(`${e.slug.toUpperCase()}: scope item SC-1`, OPERATOR)).toEqual([]);
    const rows = await listRemindersFor(h.db, TEAM.id, e.sc1);
    expect(rows.filter((r) => r.status === 'pending' || r.status === 'held')).toEqual([]);
    expect(rows.find((r) => r.recipient === e.channelId)?.outcome, 'the held channel message').toBe(
      'the engagement is terminated',
    );
  });
});

describe('with /amos pause, /amos resume and /amos terminate', () => {
  it('holds the channel reminder while paused, sends it after resume, and cancels all on terminate', async () => {
    const e = await activated();
    h.fake.reset();
    const paused = await commandReply(h, EXECS[0], `pause ${e.slug} Controls breached`);
    expect(paused.text).toContain('is paused');
    await passAt('2026-12-14T00:00:00Z');
    expect(about('SC-1', e.channelId)).toEqual([]);
    const resumed = await commandReply(h, EXECS[0], `resume ${e.slug} Fixed`);
    expect(resumed.text).toContain('is active again');
    expect(
      await h.db
        .selectFrom('engagement')
        .select('stage')
        .where('id', '=', e.engagement.id)
        .executeTakeFirstOrThrow(),
    ).toEqual({ stage: 'active' });
    await passAt('2026-12-14T00:01:00Z');
    const label = e.slug.toUpperCase();
    expect(about('SC-1', e.channelId)).toEqual([`${label}: scope item SC-1 is due 15 Dec 2026.`]);
    const ended = await commandReply(
      h,
      EXECS[0],
      `terminate ${e.slug} Vendor breached the charter`,
    );
    expect(ended.text).toContain('is terminated');
    // Cancelled in the termination itself, before any pass.
    const rows = await listRemindersFor(h.db, TEAM.id, e.sc1);
    expect(rows.filter((r) => r.status === 'pending' || r.status === 'held')).toEqual([]);
    expect(rows.find((r) => r.kind === 'scope_overdue')?.outcome).toBe(
      'the engagement is terminated',
    );
    await passAt('2026-12-16T10:00:00Z');
    expect(about('SC-1', e.channelId)).toHaveLength(1);
  });
});
