import { DELIVERY } from '../../src/slack/ids.js';
import { type Harness, TEAM } from './app-harness.js';
import { EXECS, grantPeople, OPERATOR } from './approval-fixtures.js';
import { partnerEngagement } from './partner-channel.js';

// Preconditions for governed delivery: an active engagement whose partner members have
// acknowledged the charter, two of three executives required, and modal value builders.

/** An active engagement (2 of 3 approvals) with SC-1 (two criteria, due 15 Dec) and ST-1 (31 Dec). */
export async function activeEngagement(h: Harness, o: { acked?: boolean; stage?: string } = {}) {
  await grantPeople(h);
  const setup = await partnerEngagement(h, { stage: o.stage ?? 'active' });
  const { engagement } = setup;
  await h.db
    .updateTable('engagement')
    .set({ required_approvals: 2, sponsor_ids: [...EXECS], operator_id: OPERATOR })
    .where('id', '=', engagement.id)
    .execute();
  await h.db
    .updateTable('scope_item')
    .set({ criteria: JSON.stringify(['Open rate above 35%', 'QA signed off']) })
    .where('engagement_id', '=', engagement.id)
    .execute();
  await h.db
    .updateTable('stage_checkpoint')
    .set({ due_date: '2026-12-31' })
    .where('engagement_id', '=', engagement.id)
    .execute();
  if (o.acked !== false) {
    for (const userId of setup.members) {
      await h.db
        .insertInto('charter_ack')
        .values({
          team_id: TEAM.id,
          engagement_id: engagement.id,
          user_id: userId,
          charter_version: 1,
          acked_at: new Date('2026-11-24T12:00:00Z'),
        })
        .execute();
    }
  }
  return { ...setup, partner: setup.members[0] as string, slug: engagement.slug };
}

const text = (value: string) => ({ [DELIVERY.inputAction]: { type: 'plain_text_input', value } });
const select = (value: string | null) => ({
  [DELIVERY.inputAction]: {
    type: 'static_select',
    selected_option: value ? { value, text: { type: 'plain_text', text: value } } : null,
  },
});
const date = (value: string | null) => ({
  [DELIVERY.inputAction]: { type: 'datepicker', selected_date: value },
});

/** The change request modal's values: a scope change adding one item. */
export function changeValues(o: {
  type?: string;
  description?: string;
  add?: { title: string; criteria: string; due: string };
  amend?: { ref: string; due?: string };
}) {
  const c = DELIVERY.change;
  return {
    [c.type]: select(o.type ?? 'scope'),
    [c.description]: text(o.description ?? 'Add a referral flow'),
    [c.impact]: text('Two more weeks of work'),
    [c.rationale]: text('The Diagnostic ranks referrals second'),
    [c.addTitle]: text(o.add?.title ?? ''),
    [c.addCriteria]: text(o.add?.criteria ?? ''),
    [c.addDue]: date(o.add?.due ?? null),
    [c.amendRef]: select(o.amend?.ref ?? null),
    [c.amendDue]: date(o.amend?.due ?? null),
  };
}

export function deliverValues(o: { item: string; link?: string; summary?: string }) {
  const d = DELIVERY.deliver;
  return {
    [d.item]: select(o.item),
    [d.link]: text(o.link ?? 'https://docs.example.com/email-program'),
    [d.summary]: text(o.summary ?? 'Program live; results attached.'),
  };
}

export function reviewValues(rows: { met: boolean; note?: string }[]) {
  return Object.fromEntries(
    rows.flatMap((r, i) => [
      [DELIVERY.criterionBlock(i), select(r.met ? 'met' : 'not_met')],
      [DELIVERY.criterionNoteBlock(i), text(r.note ?? '')],
    ]),
  );
}

/** Runs a command that opens a modal; returns the view Slack was asked to open. */
export async function openedView(h: Harness, userId: string, commandText: string) {
  h.fake.reset();
  const res = await h.driver.command(userId, commandText);
  if (res.status !== 200) throw new Error(`command answered ${res.status}`);
  const opened = await h.fake.waitFor('views.open');
  return {
    view: opened.args.view as { callback_id: string; private_metadata: string; blocks: unknown[] },
    responseUrl: res.responseUrl,
  };
}
