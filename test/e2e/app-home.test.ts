import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVAL } from '../../src/slack/ids.js';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';
import {
  commandReply,
  EXECS,
  eventually,
  grantPeople,
  OPERATOR,
  reviewedEngagement,
  stageOf,
  steppingClock,
} from '../support/approval-fixtures.js';
import { grant } from '../support/factories.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ clock: steppingClock() });
  await grantPeople(h);
});
afterAll(async () => {
  await h?.stop();
});

const [ERIN, EVAN] = EXECS;
const homesOf = (userId: string) =>
  h.fake
    .callsTo('views.publish')
    .filter((c) => c.args.user_id === userId)
    .map((c) => JSON.stringify(c.args.view));

describe('App Home', () => {
  it('shows a person without a role how to get one', async () => {
    h.fake.reset();
    await h.driver.event({
      type: 'app_home_opened',
      user: 'U0NOBODY',
      channel: 'D0X',
      tab: 'home',
    });
    const call = await h.fake.waitFor(
      (c) => c.method === 'views.publish' && c.args.user_id === 'U0NOBODY',
    );
    expect(JSON.stringify(call.args.view)).toContain(
      "You don't have an AMOS role in this workspace yet",
    );
  });

  it('is published by the publish-home job when opened: a 5xx is retried, one view results', async () => {
    await h.app.idle();
    h.fake.reset();
    h.fake.failNext('views.publish', { status: 500 });
    const res = await h.driver.event({
      type: 'app_home_opened',
      user: 'U0NOBODY2',
      channel: 'D0Y',
      tab: 'home',
    });
    expect(res.status).toBe(200);
    await h.app.idle();
    const publishes = h.fake.callsTo('views.publish');
    expect(publishes.map((c) => [c.status, c.args.user_id])).toEqual([
      [500, 'U0NOBODY2'],
      [200, 'U0NOBODY2'],
    ]);
  });

  it('lists what waits on an executive, and is republished when the item is decided elsewhere', async () => {
    const engagement = await reviewedEngagement(h, { slug: 'home-q1' });
    await h.driver.command(OPERATOR, 'scope home-q1 submit');
    // Sending the request republishes the sponsors' App Home; wait for that before looking.
    await eventually(async () => {
      expect(await h.db.selectFrom('approval_request').selectAll().execute()).toHaveLength(1);
      expect(homesOf(EVAN!).length).toBeGreaterThanOrEqual(1);
    });
    h.fake.reset();

    await h.driver.event({ type: 'app_home_opened', user: EVAN!, channel: 'D0EVAN', tab: 'home' });
    await h.fake.waitFor((c) => c.method === 'views.publish' && c.args.user_id === EVAN);
    const before = homesOf(EVAN!).at(-1)!;
    expect(before).toContain('EX-1');
    expect(before).toContain(APPROVAL.approveAction);
    expect(before).toContain('home-q1');

    await commandReply(h, ERIN!, 'approve home-q1 EX-1 Agreed');
    await eventually(async () => {
      expect(await stageOf(h, engagement.id)).toBe('execution_approved');
      expect(homesOf(EVAN!)).toHaveLength(2);
    });
    const after = homesOf(EVAN!).at(-1)!;
    expect(after).not.toContain(APPROVAL.approveAction);
    expect(after).toContain('Nothing waits on your decision');
    expect(after).toContain('execution approved');
    expect(h.fake.violations).toEqual([]);
  });

  it('is republished for executives and admins who are not sponsors, since it lists every pending request', async () => {
    const OUTSIDER = 'U0EXECOUT';
    const ADMIN = 'U0HOMEADM';
    await grant(h.db, TEAM.id, OUTSIDER, 'executive');
    await grant(h.db, TEAM.id, ADMIN, 'admin');
    const engagement = await reviewedEngagement(h, { slug: 'home-q2' });
    expect(engagement.sponsor_ids).not.toContain(OUTSIDER);
    h.fake.reset();
    await commandReply(h, OPERATOR, 'scope home-q2 submit');
    // Sending the request already republishes their Home: it shows the request with buttons.
    for (const userId of [OUTSIDER, ADMIN]) {
      await eventually(() => expect(homesOf(userId).length).toBeGreaterThanOrEqual(1));
      const shown = homesOf(userId).at(-1)!;
      expect(shown).toContain('EX-1');
      expect(shown).toContain('home-q2');
      expect(shown).toContain(APPROVAL.approveAction);
    }
    h.fake.reset();

    await commandReply(h, ERIN!, 'approve home-q2 EX-1 Agreed');
    expect(await stageOf(h, engagement.id)).toBe('execution_approved');
    for (const userId of [OUTSIDER, ADMIN]) {
      await eventually(() => expect(homesOf(userId)).toHaveLength(1));
      const after = homesOf(userId).at(-1)!;
      expect(after).not.toContain(APPROVAL.approveAction);
      expect(after).toContain('Nothing waits on your decision');
    }
    expect(h.fake.violations).toEqual([]);
  });
  it('after a vote that does not decide, republishes only the voter and those whose Home shows the request', async () => {
    // Ten older pending requests, then the one voted on: it is eleventh in everyone's waiting
    // list, so only the first ten (in full) and the count show on App Home, not its tally.
    const older: string[] = [];
    for (let i = 0; i < 10; i += 1) {
      const e = await reviewedEngagement(h, { requiredApprovals: 3 });
      await commandReply(h, OPERATOR, `scope ${e.slug} submit`);
      older.push(e.slug);
    }
    const late = await reviewedEngagement(h, { requiredApprovals: 3 });
    await commandReply(h, OPERATOR, `scope ${late.slug} submit`);
    await h.app.idle();
    h.fake.reset();
    const published = () => new Set(h.fake.callsTo('views.publish').map((c) => c.args.user_id));

    const [, , CARA] = EXECS;
    await commandReply(h, CARA!, `approve ${late.slug} EX-1`);
    await h.app.idle();
    // The voter's list is one shorter; nobody else's Home shows this request.
    expect(published()).toEqual(new Set([CARA]));

    h.fake.reset();
    await commandReply(h, CARA!, `approve ${older[0]} EX-1`);
    await h.app.idle();
    // The oldest request is first in every list: its tally shows on every executive's Home.
    const everyone = published();
    for (const id of EXECS) expect(everyone, id).toContain(id);
    expect(homesOf(ERIN!).at(-1)).toContain('1 of 3');
  });
});
