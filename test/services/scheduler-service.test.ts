import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { createDb, type Db } from '../../src/db/database.js';
import { listRemindersFor } from '../../src/db/reminder-repository.js';
import { upsertSlackUser } from '../../src/db/slack-user-repository.js';
import type { WorkingHours } from '../../src/domain/working-hours.js';
import { runChange } from '../../src/services/change.js';
import {
  cancelApprovalReminders,
  type ReminderDelivery,
  rescheduleScopeDueDates,
  type SchedulerDeps,
  scheduleApprovalReminder,
  scheduleDueDateReminders,
  scheduleWeeklyDigests,
  tick,
} from '../../src/services/scheduler-service.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createEngagement, grant } from '../support/factories.js';

// The scheduler's storage and tick on real PostgreSQL, with a clock the test moves: never a sleep.

const H = 3_600_000;
const TEAM = 'T0AMOS';
const SETTINGS = { after: 24 * H, repeat: 24 * H, dueSoon: 48 * H };
const NINE_TO_SIX: WorkingHours = { startMinute: 540, endMinute: 1080 };

let database: TestDatabase;

interface MovableClock extends Clock {
  set(iso: string | Date): void;
}
function clockAt(iso: string): MovableClock {
  let t = new Date(iso).getTime();
  return { now: () => new Date(t), set: (at) => (t = new Date(at).getTime()) };
}

function scheduler(
  clock: Clock,
  o: { hours?: WorkingHours; db?: Db; deliver?: SchedulerDeps['deliver'] } = {},
) {
  const sent: ReminderDelivery[] = [];
  const deps: SchedulerDeps = {
    db: o.db ?? database.db,
    clock,
    settings: SETTINGS,
    workingHours: o.hours ?? 'off',
    deliver:
      o.deliver ??
      (async (_trx, deliveries) => {
        sent.push(...deliveries);
      }),
  };
  return { deps, sent, tick: () => tick(deps) };
}

async function pendingApproval(engagementId: string, requestedAt: Date, ref = 'EX-1') {
  return database.db
    .insertInto('approval_request')
    .values({
      team_id: TEAM,
      engagement_id: engagementId,
      ref,
      subject: 'execution_requirements',
      required_approvals: 1,
      requester_ids: ['U0OPER'],
      requested_by: 'U0OPER',
      requested_at: requestedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

beforeAll(async () => {
  database = await createTestDatabase();
  for (const id of ['U0EXECA', 'U0EXECB']) await grant(database.db, TEAM, id, 'executive');
});
afterEach(async () => {
  // Each test's reminders repeat on their own: none may fire in the next test's moved clock.
  await database.db
    .updateTable('scheduled_reminder')
    .set({ status: 'cancelled', outcome: 'end of test' })
    .where('status', '=', 'pending')
    .execute();
});
afterAll(async () => {
  await database?.drop();
});

describe('approval reminders', () => {
  it('come after AMOS_REMINDER_AFTER, again after AMOS_REMINDER_REPEAT, never after the decision', async () => {
    const e = await createEngagement(database.db, {
      stage: 'outputs_reviewed',
      sponsorIds: ['U0EXECA', 'U0EXECB', 'U0OPER'],
    });
    const clock = clockAt('2026-12-01T10:00:00Z');
    const { id } = await pendingApproval(e.id, clock.now());
    await database.db
      .transaction()
      .execute((trx) =>
        scheduleApprovalReminder(
          trx,
          { teamId: TEAM, engagementId: e.id, approvalRequestId: id, requestedAt: clock.now() },
          SETTINGS,
        ),
      );
    const s = scheduler(clock);
    clock.set('2026-12-02T09:59:59Z');
    expect((await s.tick()).claimed).toBe(0);
    clock.set('2026-12-02T10:00:00Z');
    await s.tick();
    // The operator is a sponsor but requested it: only the two executives are reminded.
    expect(s.sent.map((d) => [d.recipient, d.dueAt.toISOString()])).toEqual([
      ['U0EXECA', '2026-12-02T10:00:00.000Z'],
      ['U0EXECB', '2026-12-02T10:00:00.000Z'],
    ]);
    expect(s.sent[0]?.key).toBe(`${e.id}:approval_waiting:${id}:2026-12-02T10:00:00.000Z:U0EXECA`);
    expect(s.sent[0]?.subject).toMatchObject({ kind: 'approval', approval: { ref: 'EX-1' } });
    await s.tick();
    expect(s.sent).toHaveLength(2);

    // EXECA votes (not yet decided): the repeat goes to EXECB only.
    await database.db
      .updateTable('approval_request')
      .set({ votes: JSON.stringify([{ userId: 'U0EXECA', decision: 'approve', at: '' }]) })
      .where('id', '=', id)
      .execute();
    clock.set('2026-12-03T10:00:00Z');
    await s.tick();
    expect(s.sent.slice(2).map((d) => [d.recipient, d.dueAt.toISOString()])).toEqual([
      ['U0EXECB', '2026-12-03T10:00:00.000Z'],
    ]);

    // Decided: its pending reminder is cancelled in the deciding transaction.
    await database.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('approval_request')
        .set({ status: 'approved' })
        .where('id', '=', id)
        .execute();
      expect(await cancelApprovalReminders(trx, TEAM, id, clock.now(), 'approved')).toBe(1);
    });
    clock.set('2026-12-09T10:00:00Z');
    expect((await s.tick()).claimed).toBe(0);
    expect(s.sent).toHaveLength(3);
    const rows = await listRemindersFor(database.db, TEAM, id);
    expect(rows.map((r) => [r.recipient, r.status])).toEqual([
      [null, 'done'],
      ['U0EXECA', 'sent'],
      ['U0EXECB', 'sent'],
      [null, 'done'],
      ['U0EXECB', 'sent'],
      [null, 'cancelled'],
    ]);
  });

  it('re-checks at send time: a request decided without cancelling sends nothing', async () => {
    const e = await createEngagement(database.db, {
      stage: 'outputs_reviewed',
      sponsorIds: ['U0EXECA'],
    });
    const clock = clockAt('2026-12-01T10:00:00Z');
    const { id } = await pendingApproval(e.id, clock.now());
    await database.db
      .transaction()
      .execute((trx) =>
        scheduleApprovalReminder(
          trx,
          { teamId: TEAM, engagementId: e.id, approvalRequestId: id, requestedAt: clock.now() },
          SETTINGS,
        ),
      );
    await database.db
      .updateTable('approval_request')
      .set({ status: 'rejected' })
      .where('id', '=', id)
      .execute();
    const s = scheduler(clock);
    clock.set('2026-12-02T10:00:00Z');
    expect(await s.tick()).toMatchObject({ claimed: 1, dropped: 1, delivered: 0 });
    expect(s.sent).toEqual([]);
    const [row] = await listRemindersFor(database.db, TEAM, id);
    expect(row).toMatchObject({ status: 'dropped', outcome: 'the request is rejected' });
  });
});

describe('working hours in the recipient zone', () => {
  it('holds a reminder due at 03:00 in Los Angeles until 09:00 there, and Saturday until Monday', async () => {
    await upsertSlackUser(database.db, {
      teamId: TEAM,
      userId: 'U0EXECA',
      timeZone: 'America/Los_Angeles',
      fetchedAt: new Date('2026-12-01T00:00:00Z'),
    });
    const e = await createEngagement(database.db, {
      stage: 'outputs_reviewed',
      sponsorIds: ['U0EXECA', 'U0EXECB'],
    });
    // Requested Monday 03:00 in LA (11:00 UTC): first reminder due Tuesday 03:00 LA.
    const clock = clockAt('2026-11-30T11:00:00Z');
    const { id } = await pendingApproval(e.id, clock.now());
    await database.db
      .transaction()
      .execute((trx) =>
        scheduleApprovalReminder(
          trx,
          { teamId: TEAM, engagementId: e.id, approvalRequestId: id, requestedAt: clock.now() },
          SETTINGS,
        ),
      );
    const s = scheduler(clock, { hours: NINE_TO_SIX });
    clock.set('2026-12-01T11:00:00Z');
    await s.tick();
    // EXECB has no cached zone: UTC, where 11:00 is inside working hours.
    expect(s.sent.map((d) => d.recipient)).toEqual(['U0EXECB']);
    clock.set('2026-12-01T16:59:59Z');
    await s.tick();
    expect(s.sent).toHaveLength(1);
    clock.set('2026-12-01T17:00:00Z'); // 09:00 in Los Angeles
    await s.tick();
    expect(s.sent.map((d) => d.recipient)).toEqual(['U0EXECB', 'U0EXECA']);
    expect(s.sent[1]?.dueAt.toISOString()).toBe('2026-12-01T11:00:00.000Z');

    // Due Saturday 12:00 UTC (04:00 in LA): EXECA Monday 09:00 LA, EXECB Monday 09:00 UTC.
    await database.db.transaction().execute((trx) =>
      trx
        .updateTable('scheduled_reminder')
        .set({
          send_at: new Date('2026-12-05T12:00:00Z'),
          due_at: new Date('2026-12-05T12:00:00Z'),
        })
        .where('subject_id', '=', id)
        .where('status', '=', 'pending')
        .execute(),
    );
    clock.set('2026-12-05T12:00:00Z');
    await s.tick();
    clock.set('2026-12-07T08:59:00Z');
    await s.tick();
    expect(s.sent).toHaveLength(2);
    clock.set('2026-12-07T09:00:00Z');
    await s.tick();
    // Sunday's repeat came due too, but each person gets one reminder, not one per missed moment.
    expect(s.sent.map((d) => d.recipient)).toEqual(['U0EXECB', 'U0EXECA', 'U0EXECB']);
    clock.set('2026-12-07T17:00:00Z');
    await s.tick();
    // 09:00 in LA: EXECA's Saturday reminder; Monday 12:00 UTC's repeat came due meanwhile and
    // goes to EXECB (EXECA's waiting one stands for it).
    expect(s.sent.slice(3).map((d) => [d.recipient, d.dueAt.toISOString()])).toEqual([
      ['U0EXECA', '2026-12-05T12:00:00.000Z'],
      ['U0EXECB', '2026-12-07T12:00:00.000Z'],
    ]);
  });
});

describe('due-date reminders', () => {
  async function activeWithItems(stage = 'active') {
    const e = await createEngagement(database.db, {
      stage,
      partnerChannelId: 'C0PARTNER',
      scopeItems: [{ title: 'Landing pages', dueDate: '2026-12-10' }],
      stages: [{ name: 'Launch review', dueDate: '2026-12-20' }],
    });
    const items = await database.db
      .selectFrom('scope_item')
      .select(['id', 'due_date'])
      .where('engagement_id', '=', e.id)
      .execute();
    const stages = await database.db
      .selectFrom('stage_checkpoint')
      .select(['id', 'due_date'])
      .where('engagement_id', '=', e.id)
      .execute();
    return { e, scope: items[0]!, stage: stages[0]! };
  }

  it('announce a scope item due soon and then overdue once each, in the channel and to the operator', async () => {
    const { e, scope, stage } = await activeWithItems();
    const clock = clockAt('2026-12-01T12:00:00Z');
    await database.db.transaction().execute((trx) =>
      scheduleDueDateReminders(
        trx,
        { teamId: TEAM, engagementId: e.id },
        [
          { kind: 'scope', id: scope.id, dueDate: scope.due_date },
          { kind: 'stage', id: stage.id, dueDate: stage.due_date },
        ],
        'UTC',
        SETTINGS,
        clock.now(),
      ),
    );
    const s = scheduler(clock);
    clock.set('2026-12-09T00:00:00Z'); // 48 h before the end of 10 Dec
    await s.tick();
    await s.tick();
    expect(s.sent.map((d) => [d.kind, d.recipient])).toEqual([
      ['scope_due_soon', 'C0PARTNER'],
      ['scope_due_soon', 'U0OPER'],
    ]);
    clock.set('2026-12-11T00:00:00Z');
    await s.tick();
    await s.tick();
    expect(s.sent.slice(2).map((d) => [d.kind, d.recipient])).toEqual([
      ['scope_overdue', 'C0PARTNER'],
      ['scope_overdue', 'U0OPER'],
    ]);
    expect(s.sent[2]?.subject).toMatchObject({
      kind: 'due_item',
      item: { ref: 'SC-1', title: 'Landing pages' },
    });

    // Paused before the checkpoint is due: the operator is told, the partner channel is not.
    await database.db
      .updateTable('engagement')
      .set({ stage: 'paused' })
      .where('id', '=', e.id)
      .execute();
    clock.set('2026-12-19T00:00:00Z');
    await s.tick();
    expect(s.sent.slice(4).map((d) => [d.kind, d.recipient])).toEqual([
      ['stage_due_soon', 'U0OPER'],
    ]);
    // Terminated: nobody.
    await database.db
      .updateTable('engagement')
      .set({ stage: 'terminated' })
      .where('id', '=', e.id)
      .execute();
    clock.set('2026-12-30T00:00:00Z');
    expect(await s.tick()).toMatchObject({ claimed: 1, dropped: 1 });
    expect(s.sent).toHaveLength(5);
  });

  it('drops a reminder for a date that moved, and skips due-soon when already overdue', async () => {
    const { e, scope } = await activeWithItems();
    const clock = clockAt('2026-12-12T12:00:00Z'); // SC-1 (10 Dec) is already overdue
    const stored = await database.db
      .transaction()
      .execute((trx) =>
        scheduleDueDateReminders(
          trx,
          { teamId: TEAM, engagementId: e.id },
          [{ kind: 'scope', id: scope.id, dueDate: scope.due_date }],
          'UTC',
          SETTINGS,
          clock.now(),
        ),
      );
    expect(stored).toBe(1);
    await database.db
      .updateTable('scope_item')
      .set({ due_date: '2026-12-24' })
      .where('id', '=', scope.id)
      .execute();
    const s = scheduler(clock);
    expect(await s.tick()).toMatchObject({ claimed: 1, dropped: 1 });
    expect((await listRemindersFor(database.db, TEAM, scope.id))[0]).toMatchObject({
      status: 'dropped',
      outcome: 'its due date moved',
    });
  });

  it('a date moved away and back again is reminded at its old moments once more', async () => {
    const { e, scope } = await activeWithItems();
    const clock = clockAt('2026-12-01T12:00:00Z');
    const engagement = { teamId: TEAM, id: e.id, operatorId: 'U0OPER', stage: 'active' };
    const moveTo = async (dueDate: string) => {
      await database.db
        .updateTable('scope_item')
        .set({ due_date: dueDate })
        .where('id', '=', scope.id)
        .execute();
      return database.db
        .transaction()
        .execute((trx) =>
          rescheduleScopeDueDates(trx, engagement, ['SC-1'], SETTINGS, clock.now()),
        );
    };
    const states = async () =>
      (await listRemindersFor(database.db, TEAM, scope.id)).map(
        (r) => `${r.dueAt.toISOString().slice(0, 10)} ${r.status}`,
      );
    expect(await moveTo('2026-12-10')).toBe(2);
    expect(await moveTo('2026-12-17')).toBe(2);
    expect(await moveTo('2026-12-10')).toBe(2);
    expect(await states()).toEqual([
      '2026-12-09 pending',
      '2026-12-11 pending',
      '2026-12-16 cancelled',
      '2026-12-18 cancelled',
    ]);
    // Before activation nothing is scheduled (activation does it).
    expect(
      await database.db
        .transaction()
        .execute((trx) =>
          rescheduleScopeDueDates(
            trx,
            { ...engagement, stage: 'execution_approved' },
            ['SC-1'],
            SETTINGS,
            clock.now(),
          ),
        ),
    ).toBe(0);
    const s = scheduler(clock);
    clock.set('2026-12-09T00:00:00Z');
    await s.tick();
    expect(s.sent.map((d) => d.recipient)).toEqual(['C0PARTNER', 'U0OPER']);
  });
});

describe('exactly once', () => {
  async function manyDue(n: number, at: Date) {
    const e = await createEngagement(database.db, {
      stage: 'outputs_reviewed',
      sponsorIds: ['U0EXECA'],
    });
    const ids: string[] = [];
    for (let i = 0; i < n; i += 50) {
      const rows = await database.db
        .insertInto('approval_request')
        .values(
          Array.from({ length: Math.min(50, n - i) }, (_, j) => ({
            team_id: TEAM,
            engagement_id: e.id,
            ref: `EX-${i + j + 100}`,
            subject: 'execution_requirements',
            required_approvals: 1,
            requester_ids: ['U0OPER'],
            requested_by: 'U0OPER',
            requested_at: new Date(at.getTime() - SETTINGS.after),
          })),
        )
        .returning('id')
        .execute();
      ids.push(...rows.map((r) => r.id));
    }
    await database.db.transaction().execute(async (trx) => {
      for (const id of ids) {
        await scheduleApprovalReminder(
          trx,
          {
            teamId: TEAM,
            engagementId: e.id,
            approvalRequestId: id,
            requestedAt: new Date(at.getTime() - SETTINGS.after),
          },
          SETTINGS,
        );
      }
    });
    return ids;
  }

  it('two schedulers on two pools ticking at once hand each of 500 reminders over once', async () => {
    const due = new Date('2027-01-05T10:00:00Z');
    const ids = await manyDue(500, due);
    const other = createDb(database.url, { max: 3 });
    try {
      const clock = clockAt(due.toISOString());
      const a = scheduler(clock);
      const b = scheduler(clock, { db: other });
      const batch = { batch: 25 };
      await Promise.all([
        tick(a.deps, batch),
        tick(b.deps, batch),
        tick(a.deps, batch),
        tick(b.deps, batch),
      ]);
      const keys = [...a.sent, ...b.sent].map((d) => d.key);
      expect(new Set(keys).size).toBe(500);
      expect(keys).toHaveLength(500);
      expect(
        new Set(
          [...a.sent, ...b.sent].map((d) => d.subject.kind === 'approval' && d.subject.approval.id),
        ),
      ).toEqual(new Set(ids));
      // Both took a share (the fan-out rows are claimed by whoever comes first).
      expect(a.sent.length + b.sent.length).toBe(500);
    } finally {
      await other.destroy();
    }
  });

  it('a batch whose handing-over fails midway is rolled back and handed over once by the next tick', async () => {
    const due = new Date('2027-02-02T10:00:00Z');
    await manyDue(60, due);
    const clock = clockAt(due.toISOString());
    // Fan out first, so the deliveries are the rows at stake.
    const fan = scheduler(clock, {
      deliver: async () => {
        throw new Error('not yet');
      },
    });
    await tick(fan.deps, { batch: 100, maxBatches: 1 }).catch(() => undefined);
    let handed = 0;
    const crashing = scheduler(clock, {
      deliver: async (_trx, deliveries) => {
        handed += deliveries.length;
        if (handed >= 30) throw new Error('process died');
      },
    });
    await expect(tick(crashing.deps, { batch: 50 })).rejects.toThrow('process died');
    const s = scheduler(clock);
    await s.tick();
    expect(s.sent).toHaveLength(60);
    expect(new Set(s.sent.map((d) => d.key)).size).toBe(60);
    expect((await s.tick()).claimed).toBe(0);
  });
});

describe('weekly digest', () => {
  it('is scheduled for every executive on Monday morning in their zone, carries the record heads, and repeats weekly', async () => {
    const e = await createEngagement(database.db, {
      stage: 'active',
      sponsorIds: ['U0EXECA'],
      slug: 'digest-me',
    });
    const clock = clockAt('2027-03-02T12:00:00Z'); // a Tuesday
    await runChange({ db: database.db, clock, admins: ['U0ADMIN'] }, TEAM, 'U0ADMIN', (change) =>
      change.record({ engagementId: e.id, kind: 'test.note', subjectRef: null, summary: 'Noted.' }),
    );
    const s = scheduler(clock, { hours: NINE_TO_SIX });
    expect(await scheduleWeeklyDigests(s.deps)).toBe(2);
    expect(await scheduleWeeklyDigests(s.deps)).toBe(0);
    clock.set('2027-03-08T17:00:00Z'); // Monday 09:00 in Los Angeles (PST), EXECA's zone
    await s.tick();
    const digests = s.sent.filter((d) => d.kind === 'weekly_digest');
    expect(digests.map((d) => d.recipient)).toEqual(['U0EXECB', 'U0EXECA']);
    const mine = digests.find((d) => d.recipient === 'U0EXECA');
    expect(mine?.subject.kind).toBe('digest');
    if (mine?.subject.kind !== 'digest') return;
    const entry = mine.subject.digest.engagements.find((x) => x.slug === 'digest-me');
    expect(entry?.head?.seq).toBe(1);
    const next = await database.db
      .selectFrom('scheduled_reminder')
      .select(['due_at'])
      .where('subject_id', '=', 'U0EXECA')
      .where('kind', '=', 'weekly_digest')
      .where('status', '=', 'pending')
      .execute();
    // After the DST change (14 March), Monday 09:00 in LA is 16:00 UTC.
    expect(next.map((r) => r.due_at.toISOString())).toEqual(['2027-03-15T16:00:00.000Z']);
  });
});
