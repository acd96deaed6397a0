import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSlackUsers } from '../../src/db/slack-user-repository.js';
import { scheduleApprovalReminder } from '../../src/services/scheduler-service.js';
import {
  PROFILE_MAX_AGE_MS,
  refreshDueProfiles,
  timeZonesOf,
} from '../../src/services/user-profile-service.js';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';
import { createEngagement, grant } from '../support/factories.js';

// Recipients' time zones: read from Slack's users.info for the people due reminders go to,
// cached with the time they were read, replaced by a signed user_change event, UTC when unknown.

let h: Harness;
const clock = { t: new Date('2026-12-01T10:00:00Z').getTime(), now: () => new Date(clock.t) };

beforeAll(async () => {
  h = await startHarness({ clock });
  h.fake.addUser(TEAM.id, { id: 'U0EXECA', name: 'erin', tz: 'America/Los_Angeles' });
  h.fake.addUser(TEAM.id, { id: 'U0EXECB', name: 'bo', tz: 'Asia/Kolkata' });
  for (const id of ['U0EXECA', 'U0EXECB']) await grant(h.db, TEAM.id, id, 'executive');
});
afterAll(async () => {
  await h?.stop();
});

describe('recipient time zones', () => {
  it('reads the zones of people due reminders go to from users.info, once until they are stale', async () => {
    const e = await createEngagement(h.db, {
      stage: 'outputs_reviewed',
      sponsorIds: ['U0EXECA', 'U0EXECB'],
    });
    const request = await h.db
      .insertInto('approval_request')
      .values({
        team_id: TEAM.id,
        engagement_id: e.id,
        ref: 'EX-1',
        subject: 'execution_requirements',
        required_approvals: 1,
        requester_ids: ['U0OPER'],
        requested_by: 'U0OPER',
        requested_at: clock.now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const settings = { after: 3_600_000, repeat: 3_600_000, dueSoon: 3_600_000 };
    await h.db.transaction().execute((trx) =>
      scheduleApprovalReminder(
        trx,
        {
          teamId: TEAM.id,
          engagementId: e.id,
          approvalRequestId: request.id,
          requestedAt: clock.now(),
        },
        settings,
      ),
    );
    const client = new WebClient(TEAM.botToken, { slackApiUrl: h.fake.apiUrl });
    const fetch = async (_team: string, user: string) =>
      ((await client.users.info({ user })).user?.tz as string | undefined) ?? null;
    const deps = { db: h.db, clock };
    const before = h.fake.callsTo('users.info').length;
    // Not due within the horizon yet: nobody is asked.
    expect(await refreshDueProfiles(deps, fetch, { horizonMs: 30 * 60_000 })).toBe(0);
    expect(await refreshDueProfiles(deps, fetch)).toBe(2); // the two sponsors
    expect(await timeZonesOf(deps, TEAM.id, ['U0EXECA', 'U0EXECB', 'U0OPER', 'U0NOBODY'])).toEqual(
      new Map([
        ['U0EXECA', 'America/Los_Angeles'],
        ['U0EXECB', 'Asia/Kolkata'],
        ['U0OPER', 'UTC'],
        ['U0NOBODY', 'UTC'], // never read: UTC
      ]),
    );
    expect(await refreshDueProfiles(deps, fetch)).toBe(0);
    clock.t += PROFILE_MAX_AGE_MS + 1;
    h.fake.addUser(TEAM.id, { id: 'U0EXECB', name: 'bo', tz: 'Europe/Berlin' });
    expect(await refreshDueProfiles(deps, fetch)).toBe(2);
    expect((await timeZonesOf(deps, TEAM.id, ['U0EXECB'])).get('U0EXECB')).toBe('Europe/Berlin');
    expect(h.fake.callsTo('users.info').length - before).toBe(4);
  });

  it('replaces a cached zone when Slack sends user_change', async () => {
    const response = await h.driver.event({
      type: 'user_change',
      user: { id: 'U0EXECA', team_id: TEAM.id, name: 'erin', tz: 'Europe/Lisbon', tz_offset: 0 },
      event_ts: '1764583200.000100',
    });
    expect(response.status).toBe(200);
    await h.app.idle();
    const cached = await findSlackUsers(h.db, TEAM.id, ['U0EXECA']);
    expect(cached.get('U0EXECA')).toEqual({ timeZone: 'Europe/Lisbon', fetchedAt: clock.now() });
  });
});
