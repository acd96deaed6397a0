import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_SCHEMA } from '../../src/jobs/queue.js';
import type { FakeSlack } from '../../src/sandbox/fake-slack.js';
import { scheduleApprovalReminder } from '../../src/services/scheduler-service.js';
import { startSharedFakeSlack, TEAM } from '../support/app-harness.js';
import { spawnApp } from '../support/app-process.js';
import { eventually } from '../support/approval-fixtures.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { seedWorkspace } from '../support/factories.js';

// The scheduler across real processes (`npx amos start`), on one database, with one clock they
// all read from a file the test writes (AMOS_CLOCK_FILE): never a sleep, the test moves time.
// Each of 500 waiting approvals has its own sponsor, so each reminder is one DM to one person,
// and the fake Slack server's chat.postMessage calls are counted per person.

const H = 3_600_000;
const COUNT = 500;
const SETTINGS = { after: 24 * H, repeat: 24 * H, dueSoon: 48 * H };

let database: TestDatabase;
let fake: FakeSlack;
let dir: string;
let clockFile: string;
const setClock = (at: Date) => writeFileSync(clockFile, at.toISOString());

beforeAll(async () => {
  database = await createTestDatabase();
  fake = await startSharedFakeSlack();
  dir = await mkdtemp(path.join(tmpdir(), 'amos-clock-'));
  clockFile = path.join(dir, 'now');
});
afterAll(async () => {
  await fake?.stop();
  await database?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Settings of every process: the shared clock, a pass every second, no working hours. */
const env = (extra: Record<string, string> = {}) => ({
  AMOS_CLOCK_FILE: clockFile,
  AMOS_SCHEDULER_EVERY: '1s',
  AMOS_WORKING_HOURS: 'off',
  AMOS_REMINDER_AFTER: '24h',
  AMOS_REMINDER_REPEAT: '24h',
  ...extra,
});

const sponsor = (prefix: string, i: number) => `U0${prefix}${String(i).padStart(3, '0')}`;

/**
 * `COUNT` engagements, each with one pending approval requested by the operator of a sponsor
 * of its own, and that approval's first reminder stored as submitting it does; the first
 * `dueFirst` due at `due`, the rest an hour later.
 */
async function waitingApprovals(prefix: string, due: Date, dueFirst = COUNT): Promise<string[]> {
  await seedWorkspace(database.db, TEAM.id);
  const people = Array.from({ length: COUNT }, (_, i) => sponsor(prefix, i + 1));
  for (const id of people) fake.addUser(TEAM.id, { id, name: id.toLowerCase() });
  const { rows } = await sql<{ id: string; engagement_id: string }>`
    with made as (
      insert into engagement (team_id, slug, name, client, stage, sponsor_ids, operator_id,
                              created_by, created_at, updated_at)
      select ${TEAM.id}, ${prefix.toLowerCase()} || '-' || g, 'Engagement ' || g, 'Client',
             'outputs_reviewed', array[${`U0${prefix}`} || lpad(g::text, 3, '0')], 'U0OPER',
             'U0OPER', now(), now()
      from generate_series(1, ${COUNT}) g
      returning id, team_id, slug
    )
    insert into approval_request (team_id, engagement_id, ref, subject, required_approvals,
                                  requester_ids, requested_by, requested_at)
    select team_id, id, 'EX-1', 'execution_requirements', 1, array['U0OPER'], 'U0OPER', now()
    from made
    returning id, engagement_id`.execute(database.db);
  expect(rows).toHaveLength(COUNT);
  await database.db.transaction().execute(async (trx) => {
    for (const [i, r] of rows.entries()) {
      const dueAt = i < dueFirst ? due : new Date(due.getTime() + H);
      await scheduleApprovalReminder(
        trx,
        {
          teamId: TEAM.id,
          engagementId: r.engagement_id,
          approvalRequestId: r.id,
          requestedAt: new Date(dueAt.getTime() - SETTINGS.after),
        },
        SETTINGS,
      );
    }
  });
  return people;
}

/** The reminder DMs posted to each person (chat.postMessage calls, whoever made them). */
function postsTo(people: readonly string[]): number[] {
  const calls = fake
    .callsTo('chat.postMessage')
    .filter((c) => String(c.args.text).startsWith('Reminder:'));
  const byChannel = new Map<string, number>();
  for (const c of calls) {
    const channel = String(c.args.channel);
    byChannel.set(channel, (byChannel.get(channel) ?? 0) + 1);
  }
  return people.map((p) => byChannel.get(p) ?? 0);
}

/** The reminder messages each person's DM holds in (fake) Slack. */
const heldBy = (people: readonly string[]) =>
  people.map(
    (p) => fake.directMessages(TEAM.id, p).filter((m) => m.text.startsWith('Reminder:')).length,
  );

/** Nothing left to do at `now`: no reminder row due and pending, no send-reminder job queued or running. */
async function settled(now: Date): Promise<void> {
  const { rows } = await sql<{ pending: number; jobs: number }>`
    select (select count(*)::int from scheduled_reminder
            where status = 'pending' and send_at <= ${now}) as pending,
           (select count(*)::int from ${sql.raw(JOB_SCHEMA)}.job
            where name = 'send-reminder' and state < 'completed') as jobs`.execute(database.db);
  expect(rows[0]).toEqual({ pending: 0, jobs: 0 });
}

const count = (xs: number[], n: number) => xs.filter((x) => x === n).length;

describe('two app processes on one database', () => {
  it('send each of 500 due reminders exactly once', async () => {
    const due = new Date('2026-12-03T10:00:00Z');
    setClock(due);
    const people = await waitingApprovals('P', due);
    // Every sponsor's time zone is known but one's: each pass asks Slack for that one only, so
    // once Slack answers, both passes go straight on to their ticks.
    await database.db
      .insertInto('slack_user')
      .values(
        people
          .slice(1)
          .map((id) => ({ team_id: TEAM.id, user_id: id, time_zone: 'UTC', fetched_at: due })),
      )
      .execute();
    fake.reset();
    // To make the two race, Slack holds each process's users.info (a pass refreshes the time
    // zones of people about to be reminded before its tick) until both wait on it; then both
    // passes go on and tick together on the same 500 due reminders.
    fake.delayNext('users.info', 120_000, 2);
    const settings = env({ AMOS_SLACK_TIMEOUT: '120s' });
    // One after the other: two first starts at once on a fresh database can deadlock in the
    // job queue's own set-up (pg-boss creating its queues), which is not what is tested here.
    const a = spawnApp(['start'], { databaseUrl: database.url, fake, env: settings });
    let b: ReturnType<typeof spawnApp> | undefined;
    try {
      await a.working;
      b = spawnApp(['start'], { databaseUrl: database.url, fake, env: settings });
      await b.working;
      await eventually(() => expect(fake.callsTo('users.info')).toHaveLength(2), 20_000);
      expect(postsTo(people).reduce((x, y) => x + y, 0)).toBe(0);
      fake.releaseDelays();
      await eventually(() => expect(count(postsTo(people), 0)).toBe(0), 60_000);
      await eventually(() => settled(due), 20_000);
      const posts = postsTo(people);
      expect({ once: count(posts, 1), total: posts.reduce((x, y) => x + y, 0) }).toEqual({
        once: COUNT,
        total: COUNT,
      });
      expect(count(heldBy(people), 1)).toBe(COUNT);
      // Each due moment fanned out once, each delivery stored once as handed over.
      const outcomes = await database.db
        .selectFrom('scheduled_reminder')
        .select(({ fn }) => ['status', fn.countAll<number>().as('n')])
        .where('team_id', '=', TEAM.id)
        .where('kind', '=', 'approval_waiting')
        .where('due_at', '=', due)
        .groupBy('status')
        .orderBy('status')
        .execute();
      expect(outcomes.map((o) => [o.status, Number(o.n)])).toEqual([
        ['done', COUNT],
        ['sent', COUNT],
      ]);
      // Both ticked on the 500 due moments at once: each claimed a share (SKIP LOCKED), no row
      // twice.
      const claimedBy = (p: ReturnType<typeof spawnApp>) =>
        p
          .output()
          .split('\n')
          .filter((l) => l.includes('"scheduler tick"'))
          .reduce((n, l) => n + Number((JSON.parse(l) as { claimed: number }).claimed), 0);
      const shares = [claimedBy(a), b ? claimedBy(b) : 0];
      expect(
        shares.reduce((x, y) => x + y, 0),
        `claimed by each: ${shares}`,
      ).toBe(COUNT);
      expect(
        shares.every((n) => n > 0),
        `claimed by each: ${shares}`,
      ).toBe(true);
    } finally {
      await Promise.all([a.stop(), b?.stop()]);
    }
  }, 150_000);
});

describe('a process killed with SIGKILL mid-batch', () => {
  it('after restart sends each of 500 due reminders once', async () => {
    const due = new Date('2026-12-10T10:00:00Z');
    // The first test's repeats (a day later) are not this test's business.
    await database.db
      .updateTable('scheduled_reminder')
      .set({ status: 'cancelled', outcome: 'end of test' })
      .where('status', '=', 'pending')
      .execute();
    setClock(due);
    // 300 due now, 200 an hour later (after the restart).
    const people = await waitingApprovals('K', due, 300);
    fake.reset();
    const settings = env({ AMOS_JOB_EXPIRE: '2s', AMOS_SLACK_TIMEOUT: '2s' });
    const first = spawnApp(['start'], { databaseUrl: database.url, fake, env: settings });
    let atKill: { posted: number; recorded: number };
    try {
      await first.working;
      // Some reminders go out and are recorded; then Slack takes the next ten at once but
      // answers only after a minute, and the process dies with them posted and not recorded.
      await eventually(
        () => expect(postsTo(people).reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(40),
        60_000,
      );
      fake.delayNext('chat.postMessage', 60_000, 10);
      const before = postsTo(people).reduce((x, y) => x + y, 0);
      await eventually(
        () =>
          expect(postsTo(people).reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(before + 10),
        20_000,
      );
    } finally {
      await first.kill();
    }
    {
      const posted = postsTo(people).reduce((x, y) => x + y, 0);
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from slack_delivery
        where key like 'reminder:%:U0K%' and status = 'sent'`.execute(database.db);
      atKill = { posted, recorded: rows[0]?.n ?? 0 };
    }
    // Killed mid-way: some posted and recorded, some posted and not recorded, most not posted.
    expect(atKill.recorded).toBeGreaterThan(0);
    expect(atKill.posted).toBeGreaterThan(atKill.recorded);
    expect(atKill.posted).toBeLessThan(300);
    setClock(new Date(due.getTime() + H));
    const restarted = spawnApp(['start'], { databaseUrl: database.url, fake, env: settings });
    try {
      await restarted.working;
      await eventually(() => expect(count(heldBy(people), 0)).toBe(0), 90_000);
      await eventually(() => settled(new Date(due.getTime() + H)), 30_000);
      expect(count(heldBy(people), 1)).toBe(COUNT);
      // Across both processes one chat.postMessage per reminder: the ones the dead process
      // posted were found in the conversation, not posted again.
      const posts = postsTo(people);
      expect({ once: count(posts, 1), total: posts.reduce((x, y) => x + y, 0) }).toEqual({
        once: COUNT,
        total: COUNT,
      });
      expect(fake.callsTo('conversations.history').length).toBeGreaterThanOrEqual(
        atKill.posted - atKill.recorded,
      );
    } finally {
      await restarted.stop();
    }
  }, 200_000);
});
