import { sql } from 'kysely';
import type { Db, Trx } from './database.js';
import type { ReminderStatus, VoteJson } from './tables.js';

/** A due moment as stored. */
export interface StoredReminder {
  readonly key: string;
  readonly teamId: string;
  readonly kind: string;
  readonly engagementId: string | null;
  readonly subjectId: string;
  readonly recipient: string | null;
  readonly dueAt: Date;
  readonly sendAt: Date;
  readonly details: Readonly<Record<string, unknown>>;
}

export type NewReminder = StoredReminder;

/**
 * Stores due moments in the caller's transaction; a key already stored (in any status) is left
 * as it is, so scheduling the same moment twice, or again after it was sent, does nothing.
 */
export async function scheduleReminders(
  trx: Trx,
  reminders: readonly NewReminder[],
  now: Date,
): Promise<number> {
  return (await storeReminders(trx, reminders, now, 'pending')).length;
}

/**
 * Stores deliveries handed over in this transaction as already sent, returning the keys that
 * were new: only those may be handed over (a key stored before was handed over before).
 */
export async function storeSentReminders(
  trx: Trx,
  reminders: readonly NewReminder[],
  now: Date,
): Promise<Set<string>> {
  return new Set(await storeReminders(trx, reminders, now, 'sent'));
}

/**
 * Stores partner-facing deliveries of a paused engagement as held: neither sent nor dropped,
 * released by the first tick after the engagement is no longer paused (releaseHeldReminders).
 */
export async function storeHeldReminders(
  trx: Trx,
  reminders: readonly NewReminder[],
  now: Date,
): Promise<number> {
  return (await storeReminders(trx, reminders, now, 'held')).length;
}

/**
 * Stores rows under their keys. A key already stored is left as it is, except a row that was
 * cancelled or dropped (never handed over): a due date moved back to a moment scheduled before,
 * or a delivery of such a moment, is stored again under its old key.
 */
async function storeReminders(
  trx: Trx,
  reminders: readonly NewReminder[],
  now: Date,
  status: 'pending' | 'sent' | 'held',
): Promise<string[]> {
  if (reminders.length === 0) return [];
  const rows = await trx
    .insertInto('scheduled_reminder')
    .values(
      reminders.map((r) => ({
        key: r.key,
        team_id: r.teamId,
        kind: r.kind,
        engagement_id: r.engagementId,
        subject_id: r.subjectId,
        recipient: r.recipient,
        due_at: r.dueAt,
        send_at: r.sendAt,
        details: JSON.stringify(r.details),
        created_at: now,
        status,
        ...(status === 'sent' ? { outcome: 'handed to its job', finished_at: now } : {}),
      })),
    )
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet({
          status,
          send_at: (eb) => eb.ref('excluded.send_at'),
          details: (eb) => eb.ref('excluded.details'),
          outcome: status === 'sent' ? 'handed to its job' : null,
          finished_at: status === 'sent' ? now : null,
        })
        .where('scheduled_reminder.status', 'in', ['cancelled', 'dropped']),
    )
    .returning('key')
    .execute();
  return rows.map((r) => r.key);
}

/** Cancels the pending and held reminders whose `column` is `id`. */
async function cancelReminders(
  trx: Trx,
  teamId: string,
  column: 'subject_id' | 'engagement_id',
  id: string,
  now: Date,
  why: string,
): Promise<number> {
  const result = await trx
    .updateTable('scheduled_reminder')
    .set({ status: 'cancelled', outcome: why, finished_at: now })
    .where('team_id', '=', teamId)
    .where(column, '=', id)
    .where('status', 'in', ['pending', 'held'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Cancels every pending reminder about a subject (an approval decided, an item removed). */
export function cancelRemindersFor(
  trx: Trx,
  teamId: string,
  subjectId: string,
  now: Date,
  why: string,
): Promise<number> {
  return cancelReminders(trx, teamId, 'subject_id', subjectId, now, why);
}

/** Cancels every pending or held reminder of an engagement (it was terminated or completed). */
export function cancelEngagementReminders(
  trx: Trx,
  teamId: string,
  engagementId: string,
  now: Date,
  why: string,
): Promise<number> {
  return cancelReminders(trx, teamId, 'engagement_id', engagementId, now, why);
}

/**
 * Held rows whose engagement is no longer paused: pending again (due now, so the same tick
 * sends them) when it is active again, cancelled when it ended. Reads the held rows only (their
 * partial index) and each one's engagement by key: its cost is that of what is held.
 */
export async function releaseHeldReminders(
  trx: Trx,
  now: Date,
): Promise<{ released: number; cancelled: number }> {
  // Each held row's engagement is looked up by its key (the lateral LIMIT 1 keeps it a lookup,
  // never a scan of every engagement), so the cost is that of the held rows alone.
  const { rows } = await sql<{ status: string; n: number }>`
    with moved as (
      select h.key, x.stage
      from scheduled_reminder h
      cross join lateral (
        select e.stage from engagement e
        where e.id = h.engagement_id and e.team_id = h.team_id
        limit 1
      ) x
      where h.status = 'held' and x.stage <> 'paused'
    ), released as (
      update scheduled_reminder r
      set status = case when m.stage in ('completed', 'terminated') then 'cancelled' else 'pending' end,
          outcome = case when m.stage in ('completed', 'terminated')
                         then 'the engagement is ' || m.stage else null end,
          finished_at = case when m.stage in ('completed', 'terminated') then ${now}::timestamptz end
      from moved m
      where r.key = m.key and r.status = 'held'
      returning r.status
    )
    select status, count(*)::int as n from released group by status`.execute(trx);
  const n = (status: string) => rows.find((r) => r.status === status)?.n ?? 0;
  return { released: n('pending'), cancelled: n('cancelled') };
}

type ReminderRow = {
  key: string;
  team_id: string;
  kind: string;
  engagement_id: string | null;
  subject_id: string;
  recipient: string | null;
  due_at: Date;
  send_at: Date;
  details: Record<string, unknown>;
};

function toReminder(row: ReminderRow): StoredReminder {
  return {
    key: row.key,
    teamId: row.team_id,
    kind: row.kind,
    engagementId: row.engagement_id,
    subjectId: row.subject_id,
    recipient: row.recipient,
    dueAt: row.due_at,
    sendAt: row.send_at,
    details: row.details,
  };
}

/**
 * Locks up to `limit` pending reminders whose moment has come, oldest first, skipping rows
 * another transaction holds: two instances ticking at once take disjoint rows, and rows of a
 * transaction that dies are pending again. Reads the partial index on send_at only.
 */
export async function claimDueReminders(
  trx: Trx,
  now: Date,
  limit: number,
): Promise<StoredReminder[]> {
  const { rows } = await sql<ReminderRow>`
    select key, team_id, kind, engagement_id, subject_id, recipient, due_at, send_at, details
    from scheduled_reminder
    where status = 'pending' and send_at <= ${now}
    order by send_at
    limit ${limit}
    for update skip locked`.execute(trx);
  return rows.map(toReminder);
}

/**
 * Marks claimed reminders finished (done, sent, dropped), with a short reason each: one update
 * per distinct (status, reason), each by primary key, so its cost is that of the rows it marks.
 */
export async function finishReminders(
  trx: Trx,
  finished: readonly { key: string; status: Exclude<ReminderStatus, 'pending'>; outcome: string }[],
  now: Date,
): Promise<void> {
  const groups = new Map<
    string,
    { status: Exclude<ReminderStatus, 'pending'>; outcome: string; keys: string[] }
  >();
  for (const f of finished) {
    const id = `${f.status}\u0000${f.outcome}`;
    const group = groups.get(id) ?? { status: f.status, outcome: f.outcome, keys: [] };
    group.keys.push(f.key);
    groups.set(id, group);
  }
  for (const group of groups.values()) {
    await trx
      .updateTable('scheduled_reminder')
      .set({
        status: group.status,
        outcome: group.outcome,
        finished_at: group.status === 'held' ? null : now,
      })
      .where(sql<boolean>`key = any(${group.keys}::text[])`)
      .where('status', '=', 'pending')
      .execute();
  }
}

/** Reminders of a team in a test or report: every stored row about one subject, by send time. */
export async function listRemindersFor(
  db: Db | Trx,
  teamId: string,
  subjectId: string,
): Promise<(StoredReminder & { status: ReminderStatus; outcome: string | null })[]> {
  const rows = await db
    .selectFrom('scheduled_reminder')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('subject_id', '=', subjectId)
    .orderBy('send_at')
    .orderBy('key')
    .execute();
  return rows.map((r) => ({ ...toReminder(r), status: r.status, outcome: r.outcome }));
}

/** What an approval reminder needs when its moment comes. */
export interface ApprovalReminderState {
  readonly id: string;
  readonly ref: string;
  readonly subject: string;
  readonly status: string;
  readonly requesterIds: readonly string[];
  readonly voterIds: readonly string[];
  readonly requestedAt: Date;
  readonly engagement: {
    readonly id: string;
    readonly slug: string;
    readonly name: string;
    readonly sponsorIds: readonly string[];
  };
}

/** The approval requests a batch of reminders is about, by id (one query). */
export async function loadApprovalStates(
  db: Db | Trx,
  teamId: string,
  ids: readonly string[],
): Promise<Map<string, ApprovalReminderState>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('approval_request as a')
    .innerJoin('engagement as e', (j) =>
      j.onRef('e.id', '=', 'a.engagement_id').onRef('e.team_id', '=', 'a.team_id'),
    )
    .select([
      'a.id',
      'a.ref',
      'a.subject',
      'a.status',
      'a.requester_ids',
      'a.votes',
      'a.requested_at',
      'e.id as engagement_id',
      'e.slug',
      'e.name',
      'e.sponsor_ids',
    ])
    .where('a.team_id', '=', teamId)
    .where('a.id', 'in', [...new Set(ids)])
    .execute();
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        ref: r.ref,
        subject: r.subject,
        status: r.status,
        requesterIds: r.requester_ids,
        voterIds: (r.votes as VoteJson[]).map((v) => v.userId),
        requestedAt: r.requested_at,
        engagement: { id: r.engagement_id, slug: r.slug, name: r.name, sponsorIds: r.sponsor_ids },
      },
    ]),
  );
}

/** What a due-date reminder needs when its moment comes: the item now and its engagement. */
export interface DueItemState {
  readonly id: string;
  readonly ref: string;
  readonly title: string;
  readonly dueDate: string | null;
  readonly engagement: {
    readonly id: string;
    readonly slug: string;
    readonly name: string;
    readonly stage: string;
    readonly operatorId: string;
    readonly partnerChannelId: string | null;
  };
}

/** The scope items and stage checkpoints a batch of reminders is about, by id (two queries). */
export async function loadDueItemStates(
  db: Db | Trx,
  teamId: string,
  scopeIds: readonly string[],
  stageIds: readonly string[],
): Promise<Map<string, DueItemState>> {
  const out = new Map<string, DueItemState>();
  const engagementColumns = [
    'e.id as engagement_id',
    'e.slug',
    'e.name',
    'e.stage',
    'e.operator_id',
    'e.partner_channel_id',
  ] as const;
  const toState = (r: {
    id: string;
    ref: string;
    title: string;
    due_date: string | null;
    engagement_id: string;
    slug: string;
    name: string;
    stage: string;
    operator_id: string;
    partner_channel_id: string | null;
  }): DueItemState => ({
    id: r.id,
    ref: r.ref,
    title: r.title,
    dueDate: r.due_date,
    engagement: {
      id: r.engagement_id,
      slug: r.slug,
      name: r.name,
      stage: r.stage,
      operatorId: r.operator_id,
      partnerChannelId: r.partner_channel_id,
    },
  });
  if (scopeIds.length > 0) {
    const rows = await db
      .selectFrom('scope_item as s')
      .innerJoin('engagement as e', (j) =>
        j.onRef('e.id', '=', 's.engagement_id').onRef('e.team_id', '=', 's.team_id'),
      )
      .select(['s.id', 's.ref', 's.title', 's.due_date', ...engagementColumns])
      .where('s.team_id', '=', teamId)
      .where('s.id', 'in', [...new Set(scopeIds)])
      .execute();
    for (const r of rows) out.set(r.id, toState(r));
  }
  if (stageIds.length > 0) {
    const rows = await db
      .selectFrom('stage_checkpoint as s')
      .innerJoin('engagement as e', (j) =>
        j.onRef('e.id', '=', 's.engagement_id').onRef('e.team_id', '=', 's.team_id'),
      )
      .select(['s.id', 's.ref', 's.name as title', 's.due_date', ...engagementColumns])
      .where('s.team_id', '=', teamId)
      .where('s.id', 'in', [...new Set(stageIds)])
      .execute();
    for (const r of rows) out.set(r.id, toState(r));
  }
  return out;
}

/** Which of `userIds` hold the executive role in the team now. */
export async function findExecutives(
  db: Db | Trx,
  teamId: string,
  userIds: readonly string[],
): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('role_grant')
    .select('user_id')
    .where('team_id', '=', teamId)
    .where('role', '=', 'executive')
    .where('user_id', 'in', [...new Set(userIds)])
    .execute();
  return new Set(rows.map((r) => r.user_id));
}

/** Every executive of every workspace still installed: whom the weekly digest goes to. */
export async function listAllExecutives(db: Db): Promise<{ teamId: string; userId: string }[]> {
  const rows = await db
    .selectFrom('role_grant as g')
    .innerJoin('workspace as w', 'w.team_id', 'g.team_id')
    .select(['g.team_id', 'g.user_id'])
    .where('g.role', '=', 'executive')
    .where('w.uninstalled_at', 'is', null)
    .execute();
  return rows.map((r) => ({ teamId: r.team_id, userId: r.user_id }));
}

/** Whether a pending weekly digest is stored for this executive (the next one is scheduled). */
export async function pendingDigestUsers(db: Db | Trx, teamId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('scheduled_reminder')
    .select('subject_id')
    .where('team_id', '=', teamId)
    .where('kind', '=', 'weekly_digest')
    .where('status', '=', 'pending')
    .where('recipient', 'is', null)
    .execute();
  return new Set(rows.map((r) => r.subject_id));
}

/** The recipients that already have a pending (deferred) delivery about each of `subjectIds`. */
export async function pendingDeliveries(
  db: Db | Trx,
  teamId: string,
  subjectIds: readonly string[],
): Promise<Set<string>> {
  if (subjectIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('scheduled_reminder')
    .select(['subject_id', 'recipient'])
    .where('team_id', '=', teamId)
    .where('subject_id', 'in', [...new Set(subjectIds)])
    .where('status', '=', 'pending')
    .where('recipient', 'is not', null)
    .execute();
  return new Set(rows.map((r) => `${r.subject_id}:${r.recipient}`));
}

/** An engagement's scope items and stage checkpoints with a due date. */
export async function listDatedItems(
  db: Db | Trx,
  teamId: string,
  engagementId: string,
): Promise<{ kind: 'scope' | 'stage'; id: string; dueDate: string | null }[]> {
  const [scope, stages] = await Promise.all([
    db
      .selectFrom('scope_item')
      .select(['id', 'due_date'])
      .where('team_id', '=', teamId)
      .where('engagement_id', '=', engagementId)
      .where('due_date', 'is not', null)
      .execute(),
    db
      .selectFrom('stage_checkpoint')
      .select(['id', 'due_date'])
      .where('team_id', '=', teamId)
      .where('engagement_id', '=', engagementId)
      .where('due_date', 'is not', null)
      .execute(),
  ]);
  return [
    ...scope.map((r) => ({ kind: 'scope' as const, id: r.id, dueDate: r.due_date })),
    ...stages.map((r) => ({ kind: 'stage' as const, id: r.id, dueDate: r.due_date })),
  ];
}

/** Scope items of an engagement by ref, with their due dates now. */
export async function findScopeItemsByRef(
  db: Db | Trx,
  teamId: string,
  engagementId: string,
  refs: readonly string[],
): Promise<{ id: string; ref: string; dueDate: string | null }[]> {
  if (refs.length === 0) return [];
  const rows = await db
    .selectFrom('scope_item')
    .select(['id', 'ref', 'due_date'])
    .where('team_id', '=', teamId)
    .where('engagement_id', '=', engagementId)
    .where('ref', 'in', [...new Set(refs)])
    .execute();
  return rows.map((r) => ({ id: r.id, ref: r.ref, dueDate: r.due_date }));
}
