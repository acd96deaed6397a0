import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';
import {
  commandReply,
  EXECS,
  grantPeople,
  OPERATOR,
  requestsOf,
  reviewedEngagement,
} from '../support/approval-fixtures.js';

// Approval reminders end to end: the operator submits through the real receiver, the scheduler
// (driven by runOnce with a moved clock, never a sleep) hands due reminders to their jobs, the
// workers DM Slack (the fake), and the decision cancels what remains.

const [ERIN] = EXECS;
let h: Harness;
let t = new Date('2026-12-01T15:00:00Z').getTime();
const clock: Clock = { now: () => new Date(t) };
const setTime = (iso: string) => {
  t = new Date(iso).getTime();
};

beforeAll(async () => {
  h = await startHarness({
    clock,
    env: {
      AMOS_REMINDER_AFTER: '24h',
      AMOS_REMINDER_REPEAT: '24h',
      AMOS_WORKING_HOURS: '09:00-18:00',
    },
  });
  await grantPeople(h);
  for (const id of EXECS)
    h.fake.addUser(TEAM.id, { id, name: id.toLowerCase(), tz: 'America/New_York' });
});
afterAll(async () => {
  await h?.stop();
});

/** Runs one scheduler pass at `iso` and waits until its jobs are done. */
async function passAt(iso: string) {
  setTime(iso);
  const result = await h.app.scheduler?.runOnce();
  await h.app.idle();
  return result;
}

/** The reminders DMed so far about one engagement: [recipient, time it was sent]. */
function remindersOf(label: string): string[] {
  return h.fake
    .callsTo('chat.postMessage')
    .filter(
      (c) => String(c.args.text).startsWith('Reminder:') && String(c.args.text).includes(label),
    )
    .map((c) => String(c.args.channel));
}

async function submit() {
  const e = await reviewedEngagement(h);
  const { text } = await commandReply(h, OPERATOR, `scope ${e.slug} submit`);
  expect(text).toContain('*EX-1* is out for approval');
  return { e, label: e.slug.toUpperCase() };
}

describe('approval reminders', () => {
  it('remind each sponsor after AMOS_REMINDER_AFTER, again after the repeat, and never after the decision', async () => {
    setTime('2026-12-01T15:00:00Z'); // Tuesday 10:00 in New York
    const { e, label } = await submit();
    await passAt('2026-12-02T14:59:00Z');
    expect(remindersOf(label)).toEqual([]);
    await passAt('2026-12-02T15:00:00Z');
    expect(remindersOf(label).sort()).toEqual([...EXECS].sort());
    // A second pass in the same moment sends nothing more.
    await passAt('2026-12-02T15:00:30Z');
    expect(remindersOf(label)).toHaveLength(3);
    // The reminder carries the request's buttons and is stored as a copy of it.
    const dm = h.fake
      .callsTo('chat.postMessage')
      .find((c) => String(c.args.text).startsWith('Reminder:') && c.args.channel === ERIN);
    expect(JSON.stringify(dm?.args.blocks)).toContain('approval_approve');
    await passAt('2026-12-03T15:00:00Z');
    expect(remindersOf(label)).toHaveLength(6);

    const { text } = await commandReply(
      h,
      ERIN,
      `approve EX-1 ${e.slug}`.replace(` ${e.slug}`, ''),
    );
    expect(text).toMatch(/approved/i);
    const [request] = await requestsOf(h, e.id);
    expect(request?.status).toBe('approved');
    await passAt('2026-12-04T15:00:00Z');
    await passAt('2026-12-08T15:00:00Z');
    expect(remindersOf(label)).toHaveLength(6);
  });

  it('holds a reminder due at 03:00 for a person in Los Angeles until 09:00 there, and one due on Saturday until Monday', async () => {
    h.fake.addUser(TEAM.id, { id: ERIN, name: 'erin', tz: 'America/Los_Angeles' });
    setTime('2026-12-14T11:00:00Z'); // Monday 03:00 in Los Angeles, 06:00 in New York
    const tuesday = await submit();
    await passAt('2026-12-15T11:00:00Z'); // due: Tuesday 03:00 in Los Angeles
    expect(remindersOf(tuesday.label)).toEqual([]);
    await passAt('2026-12-15T13:59:00Z');
    expect(remindersOf(tuesday.label)).toEqual([]);
    await passAt('2026-12-15T14:00:00Z'); // 09:00 in New York
    expect(remindersOf(tuesday.label).sort()).toEqual([EXECS[1], EXECS[2]].sort());
    await passAt('2026-12-15T16:59:00Z');
    expect(remindersOf(tuesday.label)).toHaveLength(2);
    await passAt('2026-12-15T17:00:00Z'); // 09:00 in Los Angeles
    expect(remindersOf(tuesday.label).at(-1)).toBe(ERIN);
    expect(remindersOf(tuesday.label)).toHaveLength(3);

    setTime('2026-12-18T15:00:00Z'); // Friday
    const saturday = await submit();
    await passAt('2026-12-19T15:00:00Z'); // due: Saturday
    await passAt('2026-12-20T15:00:00Z'); // Sunday: its repeat, folded into the one waiting
    expect(remindersOf(saturday.label)).toEqual([]);
    await passAt('2026-12-21T14:00:00Z'); // Monday 09:00 in New York
    expect(remindersOf(saturday.label).sort()).toEqual([EXECS[1], EXECS[2]].sort());
    // Monday 09:00 in Los Angeles: Erin's Saturday reminder (New York, meanwhile, got Monday
    // 15:00's repeat, due inside its working hours).
    await passAt('2026-12-21T17:00:00Z');
    expect(remindersOf(saturday.label).filter((r) => r === ERIN)).toHaveLength(1);
    expect(remindersOf(saturday.label).sort()).toEqual(
      [ERIN, EXECS[1], EXECS[1], EXECS[2], EXECS[2]].sort(),
    );
  });
});
