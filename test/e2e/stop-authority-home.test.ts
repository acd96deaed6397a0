import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { verifyLog } from '../../src/services/decision-log-service.js';
import { RISK } from '../../src/slack/ids.js';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';
import { commandReply, EXECS, OPERATOR } from '../support/approval-fixtures.js';
import { activeEngagement, openedView } from '../support/delivery-fixtures.js';

// An engagement paused twice, then terminated (issue 10 review): App Home's time at each gate
// sums both pauses, and the final summary in the partner channel says the same.

let now = new Date('2026-12-01T10:00:00Z');
const clock: Clock = { now: () => now };
const at = (iso: string) => {
  now = new Date(iso);
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ clock });
});
afterAll(async () => {
  await h?.stop();
});

const [ERIN, EVAN] = EXECS;

async function homeOf(userId: string): Promise<string> {
  await h.app.idle();
  h.fake.reset();
  await h.driver.event({ type: 'app_home_opened', user: userId, channel: 'D0HOME', tab: 'home' });
  await h.fake.waitFor((c) => c.method === 'views.publish' && c.args.user_id === userId);
  await h.app.idle();
  return JSON.stringify(h.fake.callsTo('views.publish').at(-1)?.args.view ?? {});
}

describe('an engagement paused twice', () => {
  it('App Home and the final summary sum the time at each gate over both pauses', async () => {
    // Active since 20 Nov 12:00 (the fixture).
    const e = await activeEngagement(h);
    at('2026-12-01T10:00:00Z');
    await commandReply(h, ERIN!, `pause ${e.slug} First hold`);
    at('2026-12-01T12:00:00Z');
    await commandReply(h, EVAN!, `resume ${e.slug}`);
    at('2026-12-02T09:00:00Z');
    await commandReply(h, EVAN!, `pause ${e.slug} Second hold`);
    at('2026-12-02T14:30:00Z');
    await commandReply(h, ERIN!, `resume ${e.slug}`);
    at('2026-12-03T14:30:00Z');

    // Active: 20 Nov 12:00 → 1 Dec 10:00 (10d 22h), 1 Dec 12:00 → 2 Dec 09:00 (21h),
    // 2 Dec 14:30 → 3 Dec 14:30 (1d): 12d 19h. Paused: 2h + 5h 30m = 7h 30m.
    const home = await homeOf(ERIN!);
    expect(home).toContain('Time at each gate: active 12d 19h · paused 7h 30m');
    expect(home).toContain('*active* for 1d');

    at('2026-12-03T16:30:00Z');
    await commandReply(h, ERIN!, `terminate ${e.slug} Third strike`);
    await h.app.idle();
    const summary = h.fake
      .messages(e.channelId)
      .map((m) => JSON.stringify(m))
      .find((m) => m.includes('Final record'));
    expect(summary).toContain('paused 7h 30m');
    expect(summary).toContain('active 12d 21h');
    const after = await homeOf(ERIN!);
    expect(after).toContain('active 12d 21h · paused 7h 30m');
    const [chain] = await verifyLog(h.db, { teamId: TEAM.id, engagementSlug: e.slug });
    expect(chain?.verification.ok).toBe(true);
  });
});

describe('a terminated engagement’s health', () => {
  it('no longer asks for attention for an escalation left unacknowledged', async () => {
    at('2026-12-05T10:00:00Z');
    const e = await activeEngagement(h);
    const { view } = await openedView(h, OPERATOR, `escalate ${e.slug}`);
    const input = (value: string) => ({ [RISK.inputAction]: { type: 'plain_text_input', value } });
    const pick = (value: string) => ({
      [RISK.inputAction]: {
        type: 'static_select',
        selected_option: { value, text: { type: 'plain_text', text: value } },
      },
    });
    const b = RISK.escalation;
    await h.driver.viewSubmission(OPERATOR, {
      callbackId: RISK.escalationModal,
      privateMetadata: view.private_metadata,
      values: {
        [b.category]: pick('timeline'),
        [b.severity]: pick('low'),
        [b.needed]: input('A decision on the launch date'),
        [b.byWhen]: { [RISK.inputAction]: { type: 'datepicker', selected_date: '2026-12-09' } },
      },
    });
    const label = `*${e.slug.toUpperCase()}*`;
    const lineOf = (home: string) => {
      const start = home.indexOf(label);
      return home.slice(start, home.indexOf('"}', start));
    };
    const before = await homeOf(ERIN!);
    expect(lineOf(before)).toContain('1 unacknowledged escalation');

    await commandReply(h, ERIN!, `terminate ${e.slug} Ended`);
    const after = await homeOf(ERIN!);
    expect(lineOf(after)).toContain('*terminated*');
    expect(lineOf(after)).not.toContain('unacknowledged escalation');
    expect(lineOf(after)).not.toContain(':warning:');
  });
});
