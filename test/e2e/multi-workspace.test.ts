import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_SCOPES } from '../../src/slack/app.js';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';
import { responsesTo } from '../support/approval-fixtures.js';
import { createEngagement, grant } from '../support/factories.js';

const OTHER = {
  id: 'T0OTHER',
  name: 'Other Co',
  botToken: 'xoxb-test-T0OTHER',
  botUserId: 'U0BOT2',
  botId: 'B0BOT2',
  installedBy: 'U0OTHERADMIN',
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ oauthTeams: [{ ...TEAM, installedBy: 'U0ADMIN' }, OTHER] });
});
afterAll(async () => {
  await h?.stop();
});

describe('several workspaces (OAuth installs)', () => {
  it('keeps each installation encrypted at rest', async () => {
    const rows = await h.db.selectFrom('workspace').selectAll().orderBy('team_id').execute();
    expect(rows.map((r) => [r.team_id, r.installed_by])).toEqual([
      ['T0AMOS', 'U0ADMIN'],
      ['T0OTHER', 'U0OTHERADMIN'],
    ]);
    for (const row of rows) {
      expect(row.installation_encrypted).toMatch(/^v1\./);
      expect(row.installation_encrypted).not.toContain('xoxb-');
    }
  });

  it("answers each workspace with that workspace's own bot token, and never calls auth.test", async () => {
    h.fake.reset();
    const event = { type: 'app_home_opened', user: 'U0ALICE', channel: 'D0ALICE', tab: 'home' };
    await h.driver.event(event, { teamId: TEAM.id });
    await h.driver.event({ ...event, user: 'U0OMAR' }, { teamId: OTHER.id });
    await h.fake.waitFor((c) => c.method === 'views.publish' && c.args.user_id === 'U0OMAR');
    await h.fake.waitFor((c) => c.method === 'views.publish' && c.args.user_id === 'U0ALICE');
    const byUser = Object.fromEntries(
      h.fake.callsTo('views.publish').map((c) => [c.args.user_id, c.token]),
    );
    expect(byUser).toEqual({ U0ALICE: TEAM.botToken, U0OMAR: OTHER.botToken });
    expect(h.fake.callsTo('auth.test')).toHaveLength(0);
  });

  it('serves nothing to a workspace that has not installed the app', async () => {
    h.fake.reset();
    const res = await h.driver.event(
      { type: 'app_home_opened', user: 'U0EVE', channel: 'D0EVE', tab: 'home' },
      { teamId: 'T0STRANGER' },
    );
    expect(res.status).toBeGreaterThanOrEqual(200);
    expect(h.fake.calls).toHaveLength(0);
    const receipts = await h.db
      .selectFrom('request_receipt')
      .selectAll()
      .where('team_id', '=', 'T0STRANGER')
      .execute();
    expect(receipts).toEqual([]);
  });

  it("cannot see or act on another workspace's engagement, even with the same slug", async () => {
    await grant(h.db, TEAM.id, 'U0EXEC', 'executive');
    await grant(h.db, OTHER.id, 'U0OMAR', 'executive');
    const amos = await createEngagement(h.db, {
      teamId: TEAM.id,
      slug: 'acme-q3',
      stage: 'execution_approved',
    });
    const ask = async (teamId: string, userId: string, text: string) => {
      const res = await h.driver.command(userId, text, { teamId });
      const ack = res.json as { text?: string } | undefined;
      if (ack?.text && !ack.text.startsWith('Preparing')) return ack.text;
      const [reply] = await responsesTo(h, res.responseUrl);
      return String(reply?.body.text ?? '');
    };
    expect(await ask(TEAM.id, 'U0EXEC', 'status acme-q3')).toContain('ACME-Q3');
    expect(await ask(OTHER.id, 'U0OMAR', 'status acme-q3')).toContain(
      'There is no engagement `acme-q3`',
    );
    expect(await ask(OTHER.id, 'U0OMAR', 'activate acme-q3')).toContain(
      'There is no engagement `acme-q3`',
    );
    expect(await ask(OTHER.id, 'U0OMAR', 'status')).toContain(
      'There are no engagements in this workspace yet',
    );
    const row = await h.db
      .selectFrom('engagement')
      .selectAll()
      .where('id', '=', amos.id)
      .executeTakeFirstOrThrow();
    expect(row.stage).toBe('execution_approved');
    expect(await h.db.selectFrom('decision_record').selectAll().execute()).toEqual([]);
  });

  it('offers the install link with the bot scopes the manifest declares', async () => {
    const res = await fetch(`${h.baseUrl}/slack/install`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.pathname).toBe('/oauth/v2/authorize');
    expect(location.searchParams.get('client_id')).toBe('1111.2222');
    expect(location.searchParams.get('scope')?.split(',')).toEqual([...BOT_SCOPES]);
    expect(location.searchParams.get('state')).toBeTruthy();
  });
});
