import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { verifyLog } from '../../src/services/decision-log-service.js';
import { DELIVERY, HOME } from '../../src/slack/ids.js';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';
import { commandReply, EXECS, OPERATOR, recordsOf } from '../support/approval-fixtures.js';
import {
  activeEngagement,
  changeValues,
  deliverValues,
  openedView,
  reviewValues,
} from '../support/delivery-fixtures.js';

// App Home governance (issue 10): per engagement the stage and time at the current gate, its
// health, the time spent at each gate (from the decision record's transitions) and the figures
// an executive asks for, for an engagement whose history is made step by step at known times.

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

async function raise(partner: string, slug: string, values: ReturnType<typeof changeValues>) {
  const { view } = await openedView(h, partner, `change ${slug}`);
  const res = await h.driver.viewSubmission(partner, {
    callbackId: DELIVERY.changeModal,
    privateMetadata: view.private_metadata,
    values,
  });
  expect(res.json).toBeUndefined();
  await h.app.idle();
}

async function deliver(partner: string, slug: string) {
  const { view } = await openedView(h, partner, `deliver ${slug}`);
  const res = await h.driver.viewSubmission(partner, {
    callbackId: DELIVERY.deliverModal,
    privateMetadata: view.private_metadata,
    values: deliverValues({ item: 'SC-1' }),
  });
  expect(res.json).toBeUndefined();
}

async function review(slug: string, rows: { met: boolean; note?: string }[]) {
  const { view } = await openedView(h, OPERATOR, `deliver ${slug} review DL-1`);
  const res = await h.driver.viewSubmission(OPERATOR, {
    callbackId: DELIVERY.reviewModal,
    privateMetadata: view.private_metadata,
    values: reviewValues(rows),
  });
  expect(res.json).toBeUndefined();
}

async function homeOf(userId: string): Promise<string> {
  await h.app.idle();
  h.fake.reset();
  await h.driver.event({ type: 'app_home_opened', user: userId, channel: 'D0HOME', tab: 'home' });
  await h.fake.waitFor((c) => c.method === 'views.publish' && c.args.user_id === userId);
  await h.app.idle();
  const publishes = h.fake
    .callsTo('views.publish')
    .filter((c) => c.args.user_id === userId)
    .map((c) => JSON.stringify(c.args.view));
  return publishes.at(-1) ?? '';
}

describe('App Home governance', () => {
  it('shows stage, time at the gate, health, time at each gate and the figures of a known history', async () => {
    // Created (active) 20 Nov 12:00 by the fixture.
    const e = await activeEngagement(h);
    const label = e.slug.toUpperCase();

    // 1 Dec 10:00: two change requests; one approved (2 of 3), one rejected.
    at('2026-12-01T10:00:00Z');
    await raise(
      e.partner,
      e.slug,
      changeValues({ add: { title: 'Referral flow', criteria: 'Live', due: '2026-12-02' } }),
    );
    await raise(
      e.partner,
      e.slug,
      changeValues({ add: { title: 'Loyalty flow', criteria: 'Live', due: '2026-12-20' } }),
    );
    await commandReply(h, ERIN!, `approve ${e.slug} CR-1 fits the plan`);
    await commandReply(h, EVAN!, `approve ${e.slug} CR-1`);
    await commandReply(h, ERIN!, `reject ${e.slug} CR-2 not in the Diagnostic`);

    // A deliverable returned once, then accepted.
    await deliver(e.partner, e.slug);
    await review(e.slug, [{ met: true }, { met: false, note: 'No QA sign-off' }]);
    await deliver(e.partner, e.slug);
    await review(e.slug, [{ met: true }, { met: true }]);

    // Paused 12:00 to 15:00; then a third change request is left waiting.
    at('2026-12-01T12:00:00Z');
    await commandReply(h, ERIN!, `pause ${e.slug} Budget review <!here>`);
    at('2026-12-01T15:00:00Z');
    await commandReply(h, EVAN!, `resume ${e.slug}`);
    await raise(
      e.partner,
      e.slug,
      changeValues({ add: { title: 'Win-back flow', criteria: 'Live', due: '2026-12-22' } }),
    );

    // 3 Dec 18:00: CR-3 has waited 51 hours (> AMOS_REMINDER_AFTER, 24h); SC-3 (due 2 Dec) is overdue.
    at('2026-12-03T18:00:00Z');
    const home = await homeOf(ERIN!);
    expect(home).toContain('Governance');
    expect(home).toContain(`*${label}* · Acme Q3 lifecycle — *active* for 2d 3h`);
    expect(home).toContain(':warning: 1 overdue item · 1 approval overdue');
    // Active 20 Nov 12:00 → 1 Dec 12:00 (11d) and 1 Dec 15:00 → 3 Dec 18:00 (2d 3h); paused 3h.
    expect(home).toContain('Time at each gate: active 13d 3h · paused 3h');
    expect(home).toContain(
      'Change requests: 1 approved / 1 rejected · Deliverables: 1 accepted / 1 returned · Approvals overdue: 1',
    );
    // What waits on her: CR-3, with its buttons.
    expect(home).toContain('CR-3');
    expect(home).toContain('approval_approve');
    expect(h.fake.violations).toEqual([]);

    // A partner sees stage, time and health, but not the executive figures.
    const partnerHome = await homeOf(e.partner);
    expect(partnerHome).toContain(`*${label}* · Acme Q3 lifecycle — *active* for 2d 3h`);
    expect(partnerHome).not.toContain('Change requests: 1 approved');

    const kinds = (await recordsOf(h, e.engagement.id)).map((r) => r.kind);
    expect(kinds).toEqual(expect.arrayContaining(['engagement.paused', 'engagement.resumed']));
    const [chain] = await verifyLog(h.db, { teamId: TEAM.id, engagementSlug: e.slug });
    expect(chain?.verification.ok).toBe(true);
  });

  it('offers a Review button for a deliverable waiting for review, which opens the review modal', async () => {
    at('2026-12-04T10:00:00Z');
    const e = await activeEngagement(h);
    await deliver(e.partner, e.slug);
    // The submission itself republishes the reviewers' App Home (no app_home_opened needed).
    await h.app.idle();
    const pushed = h.fake
      .callsTo('views.publish')
      .filter((c) => c.args.user_id === OPERATOR)
      .map((c) => JSON.stringify(c.args.view));
    expect(pushed.at(-1)).toContain(HOME.reviewDeliverableAction);
    const home = await homeOf(OPERATOR);
    expect(home).toContain(HOME.reviewDeliverableAction);
    h.fake.reset();
    await h.driver.blockAction(
      OPERATOR,
      { actionId: HOME.reviewDeliverableAction, value: `${e.slug} DL-1` },
      { viewId: 'V0HOME' },
    );
    const opened = await h.fake.waitFor('views.open');
    expect((opened.args.view as { callback_id: string }).callback_id).toBe(DELIVERY.reviewModal);
  });
});
