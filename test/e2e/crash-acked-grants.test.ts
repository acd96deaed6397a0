import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/db/embedded-postgres.js';
import { type FakeSlack, startFakeSlack } from '../../src/sandbox/fake-slack.js';
import type { SlackHttpResponse } from '../../src/sandbox/signed-request.js';
import { verifyLog } from '../../src/services/decision-log-service.js';
import { DATABASE_UNAVAILABLE } from '../../src/slack/refusals.js';
import { SIGNING_SECRET, TEAM } from '../support/app-harness.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { SlackDriver } from '../support/driver.js';

// The app as it runs in production (a child process of `amos start`), killed with SIGKILL in
// the middle of a burst of grants and status reads. Slack never resends a slash command, so
// an ack must mean the change committed: after a restart every acked grant is in the database
// and the decision record verifies.
const bin = path.resolve(import.meta.dirname, '../../bin/amos.js');
const ADMIN = 'U0ADMIN';
const REQUESTS = 160;
const KILL_AFTER_ACKS = 60;
const CONCURRENCY = 16;

const textOf = (json: unknown) => String((json as { text?: string } | undefined)?.text ?? '');

let database: TestDatabase;
let fake: FakeSlack;
let child: ChildProcess | undefined;

function start(port: number): ChildProcess {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('SLACK_') && !k.startsWith('AMOS_') && k !== 'DATABASE_URL',
    ),
  );
  return spawn(process.execPath, [bin, 'start'], {
    env: {
      ...env,
      DATABASE_URL: database.url,
      SLACK_API_URL: fake.apiUrl,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: TEAM.botToken,
      AMOS_ADMINS: ADMIN,
      PORT: String(port),
      LOG_LEVEL: process.env.CRASH_TEST_LOG ?? 'error',
    },
    stdio: ['ignore', process.env.CRASH_TEST_LOG ? 'inherit' : 'ignore', 'ignore'],
  });
}

async function ready(port: number): Promise<void> {
  const until = Date.now() + 90_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error('the app never became ready');
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
  fake = await startFakeSlack();
  fake.addTeam(TEAM);
});
afterAll(async () => {
  child?.kill('SIGKILL');
  await fake?.stop();
  await database?.drop();
});

describe('kill -9 during a burst of acked grants', () => {
  it('loses none: every acked grant is in the database after a restart and its record verifies', async () => {
    const port = await freePort();
    child = start(port);
    await ready(port);
    const driver = new SlackDriver({
      eventsUrl: `http://127.0.0.1:${port}/slack/events`,
      signingSecret: SIGNING_SECRET,
      teamId: TEAM.id,
      createResponseUrl: () => fake.createResponseUrl(),
    });

    const ackedGrants: string[] = [];
    const refusedGrants: string[] = [];
    let acks = 0;
    let killed = false;
    const send = async (i: number): Promise<void> => {
      const grant = i % 2 === 0;
      const user = `U0G${String(i).padStart(4, '0')}`;
      let res: SlackHttpResponse;
      try {
        res = await driver.command(ADMIN, grant ? `role grant <@${user}> operator` : 'status');
      } catch {
        return; // the connection died with the process: never acked
      }
      if (res.status !== 200) return;
      acks += 1;
      // A committed grant's ack is empty (its reply follows on the response_url); under this
      // burst a grant may instead be answered "nothing was changed, try again" (a lock wait
      // past the lock timeout), which must then indeed have changed nothing.
      if (grant) {
        if (res.text === '') ackedGrants.push(user);
        else {
          expect(textOf(res.json)).toBe(DATABASE_UNAVAILABLE);
          refusedGrants.push(user);
        }
      }
      if (acks >= KILL_AFTER_ACKS && !killed) {
        killed = true;
        child?.kill('SIGKILL');
      }
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < REQUESTS && !killed) await send(next++);
      }),
    );
    expect(killed).toBe(true);
    expect(ackedGrants.length).toBeGreaterThan(10);

    child = start(port);
    await ready(port);

    const stored = await database.db
      .selectFrom('role_grant')
      .select('user_id')
      .where('team_id', '=', TEAM.id)
      .where('role', '=', 'operator')
      .execute();
    const storedIds = new Set(stored.map((r) => r.user_id));
    expect(ackedGrants.filter((u) => !storedIds.has(u))).toEqual([]);
    expect(refusedGrants.filter((u) => storedIds.has(u))).toEqual([]);
    const records = await database.db
      .selectFrom('decision_record')
      .select(['summary', 'details'])
      .where('team_id', '=', TEAM.id)
      .where('kind', '=', 'role.granted')
      .execute();
    // The person is named in the summary or its details (whichever the record format uses).
    const recorded = records.map((r) => `${r.summary} ${JSON.stringify(r.details)}`).join('\n');
    expect(ackedGrants.filter((u) => !recorded.includes(u))).toEqual([]);
    const checks = await verifyLog(database.db, { teamId: TEAM.id });
    expect(checks.length).toBeGreaterThan(0);
    for (const check of checks) expect(check.verification).toMatchObject({ ok: true });
  }, 240_000);
});
