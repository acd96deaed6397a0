import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const receipts = () => h.db.selectFrom('request_receipt').selectAll().execute();

describe('the app over real HTTP', () => {
  it('answers /healthz and /readyz', async () => {
    expect((await fetch(`${h.baseUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${h.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('answers a signed /amos help with the command list', async () => {
    const res = await h.driver.command('U0ALICE', 'help');
    expect(res.status).toBe(200);
    const body = res.json as { response_type: string; text: string; blocks: unknown[] };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('/amos help');
    expect(JSON.stringify(body.blocks)).toContain('AMOS commands');
  });

  it('answers an unknown subcommand with help instead of silence', async () => {
    const res = await h.driver.command('U0ALICE', 'frobnicate now');
    expect(res.status).toBe(200);
    const body = res.json as { text: string };
    expect(body.text).toContain('`/amos frobnicate` is not a command I know');
    expect(body.text).toContain('/amos help');
  });

  it('answers a bare /amos with help', async () => {
    const res = await h.driver.command('U0ALICE', '');
    expect((res.json as { text: string }).text).toContain('AMOS commands');
  });

  it('calls auth.test once per process, not per request', async () => {
    await Promise.all([h.driver.command('U0ALICE', 'help'), h.driver.command('U0BOB', 'help')]);
    expect(h.fake.callsTo('auth.test')).toHaveLength(1);
  });

  it('refuses a bad signature with 401 and does nothing', async () => {
    h.fake.reset();
    const before = (await receipts()).length;
    const cmd = await h.driver.command('U0ALICE', 'help', { signWith: 'not-the-secret' });
    expect(cmd.status).toBe(401);
    expect(cmd.text).not.toContain('AMOS commands');
    const ev = await h.driver.event(
      { type: 'app_home_opened', user: 'U0ALICE', channel: 'D0ALICE', tab: 'home' },
      { signWith: 'not-the-secret' },
    );
    expect(ev.status).toBe(401);
    expect(await receipts()).toHaveLength(before);
    expect(h.fake.callsTo('views.publish')).toHaveLength(0);
  });

  it('refuses a request signed more than five minutes ago with 401 and does nothing', async () => {
    h.fake.reset();
    const before = (await receipts()).length;
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    const cmd = await h.driver.command('U0ALICE', 'help', { timestampSeconds: sixMinutesAgo });
    expect(cmd.status).toBe(401);
    const ev = await h.driver.event(
      { type: 'app_home_opened', user: 'U0ALICE', channel: 'D0ALICE', tab: 'home' },
      { timestampSeconds: sixMinutesAgo },
    );
    expect(ev.status).toBe(401);
    expect(await receipts()).toHaveLength(before);
    expect(h.fake.callsTo('views.publish')).toHaveLength(0);
  });

  it('publishes App Home once, even when Slack redelivers the event', async () => {
    h.fake.reset();
    const event = { type: 'app_home_opened', user: 'U0ALICE', channel: 'D0ALICE', tab: 'home' };
    const first = await h.driver.event(event);
    expect(first.status).toBe(200);
    const published = await h.fake.waitFor((c) => c.method === 'views.publish');
    expect(published.args.user_id).toBe('U0ALICE');
    expect(published.token).toBe(TEAM.botToken);
    const retry = await h.driver.event(event, { eventId: first.eventId, retryNum: 1 });
    expect(retry.status).toBe(200);
    // A second, distinct event proves the pipeline is idle before counting.
    await h.driver.event({ ...event, user: 'U0BOB' });
    await h.fake.waitFor((c) => c.method === 'views.publish' && c.args.user_id === 'U0BOB');
    expect(h.fake.callsTo('views.publish').map((c) => c.args.user_id)).toEqual([
      'U0ALICE',
      'U0BOB',
    ]);
    const rows = await receipts();
    expect(rows.filter((r) => r.request_key === `event:${first.eventId}`)).toHaveLength(1);
    expect(rows.every((r) => r.team_id === TEAM.id)).toBe(true);
    expect(h.fake.violations).toEqual([]);
  });
});
