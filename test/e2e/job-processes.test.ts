import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDecisionRecords } from '../../src/db/decision-record-repository.js';
import { JOB_SCHEMA } from '../../src/jobs/queue.js';
import type { FakeSlack } from '../../src/sandbox/fake-slack.js';
import { type Harness, startHarness, startSharedFakeSlack, TEAM } from '../support/app-harness.js';
import { spawnApp } from '../support/app-process.js';
import { EXECS, eventually, OPERATOR, reviewedEngagement } from '../support/approval-fixtures.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { grant } from '../support/factories.js';

// Real processes: `npx amos start`, `start --no-worker` and `worker`, killed with SIGKILL.
// Every approval DM and its stored copy arrives exactly once after a restart.

let database: TestDatabase;
let fake: FakeSlack;
beforeAll(async () => {
  database = await createTestDatabase();
  fake = await startSharedFakeSlack();
  await grant(database.db, TEAM.id, OPERATOR, 'operator');
  for (const id of EXECS) await grant(database.db, TEAM.id, id, 'executive');
});
afterAll(async () => {
  await fake?.stop();
  await database?.drop();
});

/** An engagement whose requirements wait to be submitted. */
const engagement = () => reviewedEngagement({ db: database.db } as Harness);

/** The approval DMs each sponsor holds in (fake) Slack for an engagement's EX-1. */
const approvalDms = (slug: string) =>
  EXECS.map(
    (user) =>
      fake
        .directMessages(TEAM.id, user)
        .filter(
          (m) =>
            m.text.includes('Approval needed: EX-1') &&
            JSON.stringify(m).toLowerCase().includes(slug.toLowerCase()),
        ).length,
  );

async function copies(engagementId: string) {
  return database.db
    .selectFrom('approval_message')
    .innerJoin('approval_request', 'approval_request.id', 'approval_message.approval_request_id')
    .select(['approval_message.recipient_id', 'approval_message.channel_id', 'approval_message.ts'])
    .where('approval_request.engagement_id', '=', engagementId)
    .execute();
}

async function queuedJobs(name: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from ${sql.raw(JOB_SCHEMA)}.job
    where name = ${name} and state = 'created'`.execute(database.db);
  return rows[0]?.n ?? 0;
}

/** `/amos scope <slug> submit` sent to a process; resolves once the reply says it is out. */
async function submit(driver: ReturnType<ReturnType<typeof spawnApp>['driver']>, slug: string) {
  const res = await driver.command(OPERATOR, `scope ${slug} submit`);
  expect(res.status).toBe(200);
  await eventually(() =>
    expect(String(fake.responses(res.responseUrl)[0]?.body.text)).toContain('out for approval'),
  );
}

const slackErrors = async (engagementId: string) =>
  (await listDecisionRecords(database.db, TEAM.id, engagementId)).filter(
    (r) => r.kind === 'slack.error',
  );

describe('--no-worker and a separate worker process', () => {
  it('commits and answers without delivering; killed, then `amos worker` delivers every DM once', async () => {
    const e = await engagement();
    fake.reset();
    const http = spawnApp(['start', '--no-worker'], { databaseUrl: database.url, fake });
    try {
      const driver = http.driver(await http.listening);
      await submit(driver, e.slug);
      // Committed with the change: three DMs and a refresh, queued; nobody works them here.
      expect(await queuedJobs('send-approval-request')).toBe(3);
      expect(fake.callsTo('chat.postMessage')).toEqual([]);
    } finally {
      await http.kill();
    }
    const worker = spawnApp(['worker'], { databaseUrl: database.url, fake });
    try {
      await worker.working;
      await eventually(async () => expect(await copies(e.id)).toHaveLength(3), 20_000);
      expect(approvalDms(e.slug)).toEqual([1, 1, 1]);
      expect(await slackErrors(e.id)).toEqual([]);
    } finally {
      await worker.stop();
    }
    expect(worker.child.exitCode).toBe(0);
  }, 90_000);
});

describe('the app killed with SIGKILL while the DMs are on their way', () => {
  it('after restart every DM and copy arrives exactly once', async () => {
    const e = await engagement();
    fake.reset();
    // Slack takes each DM at once but answers only after a minute: the process dies with all
    // three posted and none stored.
    fake.delayNext('chat.postMessage', 60_000, 3);
    const settings = { AMOS_JOB_EXPIRE: '2s', AMOS_SLACK_TIMEOUT: '2s' };
    const app = spawnApp(['start'], { databaseUrl: database.url, fake, env: settings });
    try {
      const driver = app.driver(await app.listening);
      await submit(driver, e.slug);
      await eventually(() => expect(fake.callsTo('chat.postMessage')).toHaveLength(3), 20_000);
    } finally {
      await app.kill();
    }
    expect(await copies(e.id)).toEqual([]);
    fake.reset();
    const restarted = await startHarness({
      databaseUrl: database.url,
      fake,
      env: settings,
    });
    try {
      // The dead process's jobs are presumed dead after AMOS_JOB_EXPIRE, their leases run out,
      // and each finds its DM in the conversation instead of posting again.
      await eventually(async () => expect(await copies(e.id)).toHaveLength(3), 30_000);
      await restarted.app.idle(20_000);
      expect(approvalDms(e.slug)).toEqual([1, 1, 1]);
      expect(fake.callsTo('chat.postMessage')).toEqual([]);
      expect(fake.callsTo('conversations.history').length).toBeGreaterThanOrEqual(3);
      const stored = await copies(e.id);
      for (const copy of stored) {
        expect(fake.messages(copy.channel_id).some((m) => m.ts === copy.ts)).toBe(true);
      }
      expect(await slackErrors(e.id)).toEqual([]);
    } finally {
      await restarted.stop();
    }
  }, 90_000);
});
