import type { Clock } from '../clock.js';
import type { Db, Trx } from '../db/database.js';
import { loadDigestFacts } from '../db/digest-repository.js';
import {
  type ApprovalReminderState,
  cancelEngagementReminders,
  cancelRemindersFor,
  claimDueReminders,
  type DueItemState,
  findExecutives,
  findScopeItemsByRef,
  finishReminders,
  listAllExecutives,
  listDatedItems,
  loadApprovalStates,
  loadDueItemStates,
  type NewReminder,
  pendingDeliveries,
  pendingDigestUsers,
  releaseHeldReminders,
  type StoredReminder,
  scheduleReminders,
  storeHeldReminders,
  storeSentReminders,
} from '../db/reminder-repository.js';
import { findSlackUsers } from '../db/slack-user-repository.js';
import { type WeeklyDigest, weeklyDigest } from '../domain/digest.js';
import type { Stage } from '../domain/engagement.js';
import {
  type DueItemKind,
  decideReminder,
  dueDateMoments,
  firstApprovalReminder,
  nextApprovalReminder,
  type ReminderDecision,
  type ReminderKind,
  type ReminderSettings,
  type ReminderSubject,
  reminderKey,
} from '../domain/reminders.js';
import {
  deliveryMoment,
  knownTimeZone,
  nextWeeklyMoment,
  type WorkingHours,
} from '../domain/working-hours.js';

// Adding a kind of due moment (e.g. an escalation's SLA): the `kind` column names it, and each
// kind is handled in these places, each a switch on the kind:
//   1. src/domain/reminders.ts: add it to REMINDER_KINDS, and a branch in decideReminder (is it
//      still due, who is told, does it repeat).
//   2. here: a schedule* function the change that makes it due calls in its transaction (key
//      with reminderKey: engagement, kind, subject, due moment), a cancel on the change that
//      ends it; in loadStates / subjectOf / recipientsOf / nextMoment / subjectView, how its
//      subject is loaded in one query per batch, whom it fans out to, and its next moment.
//   3. src/jobs/send-reminder.ts: how one delivery is rendered and sent (deliverMessage, keyed).
// Critical kinds skip working hours: pass `critical: true` to deliveryMoment at fan-out.
//
// The scheduler: due moments are stored by the change that makes them due (schedule*), and a
// tick claims only the rows whose moment has come (FOR UPDATE SKIP LOCKED, in batches), decides
// in the domain whether each is still due, fans a due moment out to its recipients (each DM
// deferred into that person's working hours), and hands each delivery to `deliver` in the same
// transaction, so a delivery is handed over exactly once or, if the process dies, not at all.

/** What a delivery is about, for the job that renders and sends it. */
export type ReminderSubjectView =
  | { readonly kind: 'approval'; readonly approval: ApprovalReminderState }
  | { readonly kind: 'due_item'; readonly item: DueItemState; readonly item_kind: DueItemKind }
  | { readonly kind: 'digest'; readonly digest: WeeklyDigest };

/** One message to one recipient, handed over once: its key names the item, moment and recipient. */
export interface ReminderDelivery {
  /** `engagement:kind:item:due-moment:recipient`: unique per message, the job's key. */
  readonly key: string;
  readonly teamId: string;
  readonly kind: ReminderKind;
  readonly engagementId: string | null;
  /** A user id (DM) or a channel id (post). */
  readonly recipient: string;
  readonly dueAt: Date;
  readonly subject: ReminderSubjectView;
}

export interface SchedulerDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly settings: ReminderSettings;
  readonly workingHours: WorkingHours;
  /**
   * Hands a batch's deliveries over in the tick's transaction (enqueues their jobs, one
   * statement); throwing rolls the batch back.
   */
  deliver(trx: Trx, deliveries: readonly ReminderDelivery[]): Promise<void>;
}

export interface TickResult {
  /** Rows claimed in all. */
  readonly claimed: number;
  /** Deliveries handed to `deliver`. */
  readonly delivered: number;
  /** Due moments fanned out to recipients. */
  readonly fannedOut: number;
  /** Rows no longer due (decided, moved, ended, …). */
  readonly dropped: number;
  /** Partner-channel deliveries held because their engagement is paused. */
  readonly held: number;
  /** Held rows released at the start of the tick (their engagement is active again). */
  readonly released: number;
  readonly batches: number;
}

const BATCH = 200;
/** A tick stops after this many batches and leaves the rest to the next one. */
const MAX_BATCHES = 50;

// ---------------------------------------------------------------------------------------------
// Scheduling, inside the change that makes a reminder due.

/** A submitted approval request's first reminder (AMOS_REMINDER_AFTER after it was requested). */
export async function scheduleApprovalReminder(
  trx: Trx,
  request: {
    readonly teamId: string;
    readonly engagementId: string;
    readonly approvalRequestId: string;
    readonly requestedAt: Date;
  },
  settings: ReminderSettings,
): Promise<void> {
  const dueAt = firstApprovalReminder(request.requestedAt, settings);
  await scheduleReminders(
    trx,
    [
      dueMoment(
        request.teamId,
        request.engagementId,
        'approval_waiting',
        request.approvalRequestId,
        dueAt,
      ),
    ],
    request.requestedAt,
  );
}

/** An approval request decided or withdrawn: its pending reminders are cancelled. */
export async function cancelApprovalReminders(
  trx: Trx,
  teamId: string,
  approvalRequestId: string,
  now: Date,
  why: string,
): Promise<number> {
  return cancelRemindersFor(trx, teamId, approvalRequestId, now, why);
}

/**
 * The due-soon and overdue moments of an engagement's dated scope items and checkpoints (when
 * it becomes active). A due-soon moment is skipped when the item is already overdue; moments
 * that have passed fire at the next tick. `timeZone` decides when a due day ends (the operator's).
 */
export async function scheduleDueDateReminders(
  trx: Trx,
  engagement: { readonly teamId: string; readonly engagementId: string },
  items: readonly {
    readonly kind: DueItemKind;
    readonly id: string;
    readonly dueDate: string | null;
  }[],
  timeZone: string,
  settings: ReminderSettings,
  now: Date,
): Promise<number> {
  const rows: NewReminder[] = [];
  for (const item of items) {
    if (!item.dueDate) continue;
    const [soon, overdue] = dueDateMoments(item.kind, item.dueDate, timeZone, settings);
    for (const moment of [soon, overdue]) {
      if (!moment) continue;
      if (moment === soon && overdue && overdue.dueAt.getTime() <= now.getTime()) continue;
      rows.push({
        ...dueMoment(
          engagement.teamId,
          engagement.engagementId,
          moment.kind,
          item.id,
          moment.dueAt,
        ),
        details: { dueDate: item.dueDate },
      });
    }
  }
  return scheduleReminders(trx, rows, now);
}

/**
 * Makes sure every executive has their next weekly digest stored (Monday at the start of their
 * working hours, in their zone). Reads the executives, not the engagements: cheap at any size.
 */
export async function scheduleWeeklyDigests(
  deps: Pick<SchedulerDeps, 'db' | 'clock' | 'workingHours'>,
): Promise<number> {
  const now = deps.clock.now();
  const executives = await listAllExecutives(deps.db);
  const byTeam = groupBy(executives, (e) => e.teamId);
  let scheduled = 0;
  for (const [teamId, people] of byTeam) {
    scheduled += await deps.db.transaction().execute(async (trx) => {
      const pending = await pendingDigestUsers(trx, teamId);
      const missing = people.filter((p) => !pending.has(p.userId)).map((p) => p.userId);
      if (missing.length === 0) return 0;
      const zones = await timeZones(trx, teamId, missing);
      return scheduleReminders(
        trx,
        missing.map((userId) =>
          digestMoment(teamId, userId, now, zones.get(userId) ?? 'UTC', deps.workingHours),
        ),
        now,
      );
    });
  }
  return scheduled;
}

function digestMoment(
  teamId: string,
  userId: string,
  after: Date,
  timeZone: string,
  hours: WorkingHours,
): NewReminder {
  const minute = hours === 'off' ? 9 * 60 : hours.startMinute;
  const dueAt = nextWeeklyMoment(after, timeZone, { weekday: 1, minute });
  return {
    key: reminderKey(teamId, 'weekly_digest', userId, dueAt),
    teamId,
    kind: 'weekly_digest',
    engagementId: null,
    subjectId: userId,
    recipient: null,
    dueAt,
    sendAt: dueAt,
    details: {},
  };
}

function dueMoment(
  teamId: string,
  engagementId: string,
  kind: ReminderKind,
  subjectId: string,
  dueAt: Date,
): NewReminder {
  return {
    key: reminderKey(engagementId, kind, subjectId, dueAt),
    teamId,
    kind,
    engagementId,
    subjectId,
    recipient: null,
    dueAt,
    sendAt: dueAt,
    details: {},
  };
}

// ---------------------------------------------------------------------------------------------
// The tick.

/**
 * Claims and handles every reminder whose moment has come at the clock's now, in batches of
 * `batch`, each batch one transaction: fans due moments out, drops what is no longer due, hands
 * deliveries over. Two instances ticking at once never take the same row; a batch whose process
 * dies is rolled back and taken again by the next tick.
 */
export async function tick(
  deps: SchedulerDeps,
  options: { batch?: number; maxBatches?: number } = {},
): Promise<TickResult> {
  const now = deps.clock.now();
  const batch = options.batch ?? BATCH;
  const { released } = await deps.db.transaction().execute((trx) => releaseHeldReminders(trx, now));
  const totals = {
    claimed: 0,
    delivered: 0,
    fannedOut: 0,
    dropped: 0,
    held: 0,
    released,
    batches: 0,
  };
  for (let i = 0; i < (options.maxBatches ?? MAX_BATCHES); i += 1) {
    const result = await deps.db.transaction().execute(async (trx) => {
      const claimed = await claimDueReminders(trx, now, batch);
      if (claimed.length === 0) return undefined;
      return { claimed: claimed.length, ...(await handleBatch(deps, trx, claimed, now)) };
    });
    if (!result) break;
    totals.claimed += result.claimed;
    totals.delivered += result.delivered;
    totals.fannedOut += result.fannedOut;
    totals.dropped += result.dropped;
    totals.held += result.held;
    totals.batches += 1;
  }
  return totals;
}

interface BatchStates {
  readonly approvals: Map<string, ApprovalReminderState>;
  readonly items: Map<string, DueItemState>;
  readonly executives: Set<string>;
  /** The time zones of the executives whose digests are in the batch. */
  readonly digestZones: Map<string, string>;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

async function loadStates(trx: Trx, teamId: string, rows: readonly StoredReminder[]) {
  const ids = (kinds: readonly string[]) =>
    rows.filter((r) => kinds.includes(r.kind)).map((r) => r.subjectId);
  const [approvals, items, executives, digestZones] = await Promise.all([
    loadApprovalStates(trx, teamId, ids(['approval_waiting'])),
    loadDueItemStates(
      trx,
      teamId,
      ids(['scope_due_soon', 'scope_overdue']),
      ids(['stage_due_soon', 'stage_overdue']),
    ),
    findExecutives(trx, teamId, ids(['weekly_digest'])),
    timeZones(trx, teamId, ids(['weekly_digest'])),
  ]);
  return { approvals, items, executives, digestZones } satisfies BatchStates;
}

/** The subject of a reminder as the domain's decision needs it. */
function subjectOf(row: StoredReminder, states: BatchStates): ReminderSubject {
  if (row.kind === 'approval_waiting') {
    const approval = states.approvals.get(row.subjectId);
    return approval ? { kind: 'approval', status: approval.status } : { kind: 'missing' };
  }
  if (row.kind === 'weekly_digest') {
    return states.executives.has(row.subjectId) ? { kind: 'executive' } : { kind: 'missing' };
  }
  const item = states.items.get(row.subjectId);
  if (!item) return { kind: 'missing' };
  return {
    kind: 'due_item',
    stage: item.engagement.stage as Stage,
    dueDate: item.dueDate,
    scheduledFor: String(row.details.dueDate ?? ''),
    done: false,
  };
}

/** Still due for this recipient: the approval's voter has not voted, the audience still includes them. */
function stillFor(
  row: StoredReminder,
  decision: Extract<ReminderDecision, { send: true }>,
  states: BatchStates,
): boolean {
  const recipient = row.recipient;
  if (!recipient) return true;
  if (row.kind === 'approval_waiting') {
    return approvalRecipients(states.approvals.get(row.subjectId)).includes(recipient);
  }
  if (row.kind === 'weekly_digest') return true;
  const item = states.items.get(row.subjectId);
  if (!item) return false;
  if (recipient === item.engagement.partnerChannelId) return decision.audience.partnerChannel;
  return recipient === item.engagement.operatorId && decision.audience.operator;
}

/** The partner channel a due moment's message is held for (its engagement is paused), if any. */
function heldChannel(
  row: StoredReminder,
  decision: Extract<ReminderDecision, { send: true }>,
  states: BatchStates,
): string | undefined {
  if (!decision.audience.holdPartnerChannel) return undefined;
  return states.items.get(row.subjectId)?.engagement.partnerChannelId ?? undefined;
}

/** A delivery to a partner channel whose engagement is paused (again): held, not dropped. */
function heldFor(
  row: StoredReminder,
  decision: Extract<ReminderDecision, { send: true }>,
  states: BatchStates,
): boolean {
  const channel = heldChannel(row, decision, states);
  return channel !== undefined && row.recipient === channel;
}

/** Sponsors who may still vote: not requesters or authors, not voted yet. */
function approvalRecipients(approval: ApprovalReminderState | undefined): string[] {
  if (!approval) return [];
  return [...new Set(approval.engagement.sponsorIds)].filter(
    (id) => !approval.requesterIds.includes(id) && !approval.voterIds.includes(id),
  );
}

async function timeZones(
  trx: Trx,
  teamId: string,
  userIds: readonly string[],
): Promise<Map<string, string>> {
  const cached = await findSlackUsers(trx, teamId, userIds);
  return new Map(userIds.map((id) => [id, knownTimeZone(cached.get(id)?.timeZone)]));
}

async function handleBatch(
  deps: SchedulerDeps,
  trx: Trx,
  claimed: readonly StoredReminder[],
  now: Date,
): Promise<{ delivered: number; fannedOut: number; dropped: number; held: number }> {
  const finished: Parameters<typeof finishReminders>[1][number][] = [];
  const added: NewReminder[] = [];
  const held: NewReminder[] = [];
  let heldNow = 0;
  const deliveries: ReminderDelivery[] = [];
  let fannedOut = 0;
  let dropped = 0;
  for (const [teamId, rows] of groupBy(claimed, (r) => r.teamId)) {
    const states = await loadStates(trx, teamId, rows);
    const fanOuts: { row: StoredReminder; recipients: string[] }[] = [];
    const immediate: NewReminder[] = [];
    for (const row of rows) {
      const decision = decideReminder(row.kind as ReminderKind, subjectOf(row, states));
      if (decision.send && row.recipient !== null && heldFor(row, decision, states)) {
        finished.push({ key: row.key, status: 'held', outcome: 'the engagement is paused' });
        heldNow += 1;
        continue;
      }
      if (!decision.send || !stillFor(row, decision, states)) {
        finished.push({
          key: row.key,
          status: 'dropped',
          outcome: decision.send ? 'the recipient no longer needs it' : decision.why,
        });
        dropped += 1;
        continue;
      }
      if (row.recipient === null) {
        fanOuts.push({ row, recipients: recipientsOf(row, decision, states) });
        const channel = heldChannel(row, decision, states);
        if (channel) held.push({ ...row, key: `${row.key}:${channel}`, recipient: channel });
        if (decision.repeat) added.push(nextMoment(row, now, deps, states));
        finished.push({ key: row.key, status: 'done', outcome: 'fanned out' });
        fannedOut += 1;
        continue;
      }
      deliveries.push({
        key: row.key,
        teamId,
        kind: row.kind as ReminderKind,
        engagementId: row.engagementId,
        recipient: row.recipient,
        dueAt: row.dueAt,
        subject: await subjectView(trx, row, states, now),
      });
      finished.push({ key: row.key, status: 'sent', outcome: 'handed to its job' });
    }
    const people = fanOuts.flatMap((f) => f.recipients.filter((r) => !r.startsWith('C')));
    const [zones, waiting] = await Promise.all([
      timeZones(trx, teamId, people),
      pendingDeliveries(
        trx,
        teamId,
        fanOuts.map((f) => f.row.subjectId),
      ),
    ]);
    for (const { row, recipients } of fanOuts) {
      for (const recipient of recipients) {
        // One still waiting for the recipient's working hours stands for this one too.
        if (waiting.has(`${row.subjectId}:${recipient}`)) continue;
        const isPerson = !recipient.startsWith('C');
        const at = now.getTime() > row.dueAt.getTime() ? now : row.dueAt;
        const sendAt = isPerson
          ? deliveryMoment(
              at,
              { timeZone: zones.get(recipient) ?? 'UTC', critical: false },
              deps.workingHours,
            )
          : at;
        const delivery = { ...row, key: `${row.key}:${recipient}`, recipient, sendAt };
        // Due now (a channel, or inside the person's hours): handed over in this transaction.
        if (sendAt.getTime() <= now.getTime()) immediate.push(delivery);
        else added.push(delivery);
      }
    }
    const fresh = await storeSentReminders(trx, immediate, now);
    for (const row of immediate) {
      if (!fresh.has(row.key) || !row.recipient) continue;
      deliveries.push({
        key: row.key,
        teamId,
        kind: row.kind as ReminderKind,
        engagementId: row.engagementId,
        recipient: row.recipient,
        dueAt: row.dueAt,
        subject: await subjectView(trx, row, states, now),
      });
    }
  }
  await scheduleReminders(trx, added, now);
  heldNow += await storeHeldReminders(trx, held, now);
  await finishReminders(trx, finished, now);
  // Every delivery of the batch handed over at once (one job insert), with the rows that
  // record it as sent: both commit or neither.
  if (deliveries.length > 0) await deps.deliver(trx, deliveries);
  return { delivered: deliveries.length, fannedOut, dropped, held: heldNow };
}

/** Who a due moment goes to: approval voters, the partner channel and/or operator, the executive. */
function recipientsOf(
  row: StoredReminder,
  decision: Extract<ReminderDecision, { send: true }>,
  states: BatchStates,
): string[] {
  if (row.kind === 'approval_waiting')
    return approvalRecipients(states.approvals.get(row.subjectId));
  if (row.kind === 'weekly_digest') return [row.subjectId];
  const item = states.items.get(row.subjectId);
  if (!item) return [];
  const out: string[] = [];
  if (decision.audience.partnerChannel && item.engagement.partnerChannelId) {
    out.push(item.engagement.partnerChannelId);
  }
  if (decision.audience.operator) out.push(item.engagement.operatorId);
  return out;
}

/** The next moment of a repeating reminder (approval: AMOS_REMINDER_REPEAT; digest: next week). */
function nextMoment(
  row: StoredReminder,
  now: Date,
  deps: SchedulerDeps,
  states: BatchStates,
): NewReminder {
  if (row.kind === 'weekly_digest') {
    const zone = states.digestZones.get(row.subjectId) ?? 'UTC';
    const after = now.getTime() > row.dueAt.getTime() ? now : row.dueAt;
    return digestMoment(row.teamId, row.subjectId, after, zone, deps.workingHours);
  }
  const dueAt = nextApprovalReminder(row.dueAt, now, deps.settings);
  return {
    ...row,
    key: reminderKey(
      row.engagementId ?? row.teamId,
      row.kind as ReminderKind,
      row.subjectId,
      dueAt,
    ),
    dueAt,
    sendAt: dueAt,
  };
}

async function subjectView(
  trx: Trx,
  row: StoredReminder,
  states: BatchStates,
  now: Date,
): Promise<ReminderSubjectView> {
  if (row.kind === 'approval_waiting') {
    const approval = states.approvals.get(row.subjectId);
    if (approval) return { kind: 'approval', approval };
  }
  if (row.kind === 'weekly_digest') {
    const engagements = await loadDigestFacts(trx, row.teamId, row.subjectId);
    return {
      kind: 'digest',
      digest: weeklyDigest({
        teamId: row.teamId,
        executiveId: row.subjectId,
        now,
        timeZone: states.digestZones.get(row.subjectId) ?? 'UTC',
        engagements,
      }),
    };
  }
  const item = states.items.get(row.subjectId);
  if (!item) throw new Error(`reminder ${row.key}: its subject vanished within the batch`);
  return { kind: 'due_item', item, item_kind: row.kind.startsWith('scope') ? 'scope' : 'stage' };
}

/**
 * An engagement became active: the due-soon and overdue moments of its dated scope items and
 * checkpoints are stored in the activating transaction, a due day ending in the operator's zone.
 */
export async function scheduleEngagementDueDates(
  trx: Trx,
  engagement: { readonly teamId: string; readonly id: string; readonly operatorId: string },
  settings: ReminderSettings,
  now: Date,
): Promise<number> {
  const [items, zones] = await Promise.all([
    listDatedItems(trx, engagement.teamId, engagement.id),
    timeZones(trx, engagement.teamId, [engagement.operatorId]),
  ]);
  return scheduleDueDateReminders(
    trx,
    { teamId: engagement.teamId, engagementId: engagement.id },
    items,
    zones.get(engagement.operatorId) ?? 'UTC',
    settings,
    now,
  );
}

/**
 * An approved change moved the due dates of some scope items (or added dated ones): in that
 * change's transaction, their stored due-soon and overdue moments (and deliveries waiting or
 * held) are cancelled and the new ones stored. Only once due dates are reminded (the engagement
 * is active or paused); before that, activation schedules them. A tick would also ignore a
 * moment scheduled for a date the item no longer has; cancelling keeps the table honest.
 */
export async function rescheduleScopeDueDates(
  trx: Trx,
  engagement: {
    readonly teamId: string;
    readonly id: string;
    readonly operatorId: string;
    readonly stage: string;
  },
  refs: readonly string[],
  settings: ReminderSettings,
  now: Date,
): Promise<number> {
  if (engagement.stage !== 'active' && engagement.stage !== 'paused') return 0;
  const items = await findScopeItemsByRef(trx, engagement.teamId, engagement.id, refs);
  for (const item of items) {
    await cancelRemindersFor(trx, engagement.teamId, item.id, now, 'its due date moved');
  }
  const zones = await timeZones(trx, engagement.teamId, [engagement.operatorId]);
  return scheduleDueDateReminders(
    trx,
    { teamId: engagement.teamId, engagementId: engagement.id },
    items.map((i) => ({ kind: 'scope' as const, id: i.id, dueDate: i.dueDate })),
    zones.get(engagement.operatorId) ?? 'UTC',
    settings,
    now,
  );
}

/**
 * An engagement ended (terminated or completed): every reminder still pending or held about it
 * is cancelled, in the ending change's transaction. (A tick would drop them anyway: an ended
 * engagement has no audience.)
 */
export async function cancelEndedEngagementReminders(
  trx: Trx,
  engagement: { readonly teamId: string; readonly id: string; readonly stage: string },
  now: Date,
): Promise<number> {
  return cancelEngagementReminders(
    trx,
    engagement.teamId,
    engagement.id,
    now,
    `the engagement is ${engagement.stage}`,
  );
}
