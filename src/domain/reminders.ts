import type { Stage } from './engagement.js';
import { endOfDueDate } from './working-hours.js';

// What the scheduler sends and when, as data and small pure functions: the due moments of each
// kind of reminder, the key that makes each one unique, and whether it is still due when its
// moment comes (the item may have been decided, the engagement paused, the date moved).

export const REMINDER_KINDS = [
  'approval_waiting',
  'scope_due_soon',
  'scope_overdue',
  'stage_due_soon',
  'stage_overdue',
  'weekly_digest',
] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

/** The reminder durations of PRODUCT.md section 11, in milliseconds. */
export interface ReminderSettings {
  /** AMOS_REMINDER_AFTER: first reminder of a waiting approval. */
  readonly after: number;
  /** AMOS_REMINDER_REPEAT: then every this long while it still waits. */
  readonly repeat: number;
  /** AMOS_DUE_SOON: lead time before a due date. */
  readonly dueSoon: number;
}

/**
 * The unique key of one reminder: `engagement:kind:item:due-moment` (the due moment as ISO 8601,
 * before any deferral into working hours, so deferring never changes the key). A reminder with a
 * given key is sent at most once.
 */
export function reminderKey(
  engagement: string,
  kind: ReminderKind,
  item: string,
  dueAt: Date,
): string {
  return `${engagement}:${kind}:${item}:${dueAt.toISOString()}`;
}

/** The first reminder of an approval requested at `requestedAt`. */
export function firstApprovalReminder(requestedAt: Date, settings: ReminderSettings): Date {
  return new Date(requestedAt.getTime() + settings.after);
}

/**
 * The due moment of the approval reminder that follows the one due at `dueAt`: the next moment
 * of the series first, first + repeat, first + 2 x repeat, … that is after `now`. After a long
 * stop it skips the moments that passed, so people get one reminder, not a burst of them.
 */
export function nextApprovalReminder(dueAt: Date, now: Date, settings: ReminderSettings): Date {
  const next = dueAt.getTime() + settings.repeat;
  if (next > now.getTime()) return new Date(next);
  const behind = Math.floor((now.getTime() - next) / settings.repeat) + 1;
  return new Date(next + behind * settings.repeat);
}

export type DueItemKind = 'scope' | 'stage';

/**
 * The two due moments of a scope item or stage checkpoint due on `dueDate` (a calendar day in
 * `timeZone`): due soon, `dueSoon` before the end of that day, and overdue, at its end.
 */
export function dueDateMoments(
  item: DueItemKind,
  dueDate: string,
  timeZone: string,
  settings: Pick<ReminderSettings, 'dueSoon'>,
): readonly { readonly kind: ReminderKind; readonly dueAt: Date }[] {
  const end = endOfDueDate(dueDate, timeZone);
  return [
    { kind: `${item}_due_soon`, dueAt: new Date(end.getTime() - settings.dueSoon) },
    { kind: `${item}_overdue`, dueAt: end },
  ];
}

/** Who is told about a due or overdue item, by the engagement's stage. */
export interface DueAudience {
  /** The partner channel: only while the engagement is active (paused work is frozen). */
  readonly partnerChannel: boolean;
  /** The engagement's operator: while it is active or paused. */
  readonly operator: boolean;
  /**
   * The partner channel's message is held, not dropped: the engagement is paused, and the
   * message goes out once it is active again (or is cancelled if it ends).
   */
  readonly holdPartnerChannel: boolean;
}

const NOBODY: DueAudience = { partnerChannel: false, operator: false, holdPartnerChannel: false };

/** Who is told about a due-soon or overdue item of an engagement in `stage`. */
export function dueAudience(stage: Stage): DueAudience {
  if (stage === 'active')
    return { partnerChannel: true, operator: true, holdPartnerChannel: false };
  if (stage === 'paused')
    return { partnerChannel: false, operator: true, holdPartnerChannel: true };
  return NOBODY;
}

/** What a reminder's subject is like when its moment comes, loaded by the send step. */
export type ReminderSubject =
  | { readonly kind: 'approval'; readonly status: string }
  | {
      readonly kind: 'due_item';
      readonly stage: Stage;
      /** The item's due date now (it may have moved since the reminder was scheduled). */
      readonly dueDate: string | null;
      /** The due date the reminder was scheduled for. */
      readonly scheduledFor: string;
      /** The item is finished (its deliverable accepted, its stage review approved). */
      readonly done: boolean;
    }
  /** The weekly digest's executive, who still holds the role. */
  | { readonly kind: 'executive' }
  | { readonly kind: 'missing' };

export type ReminderDecision =
  | { readonly send: false; readonly why: string }
  | { readonly send: true; readonly audience: DueAudience; readonly repeat: boolean };

/**
 * Whether a reminder whose moment has come is still to be sent, and to whom: an approval only
 * while it still waits (and then it repeats); a due item only while its date is the one
 * scheduled, it is not done, and the engagement's stage has someone to tell.
 */
export function decideReminder(kind: ReminderKind, subject: ReminderSubject): ReminderDecision {
  if (subject.kind === 'missing') return { send: false, why: 'its subject no longer exists' };
  if (kind === 'approval_waiting') {
    if (subject.kind !== 'approval') return { send: false, why: 'not an approval' };
    return subject.status === 'pending'
      ? { send: true, audience: NOBODY, repeat: true }
      : { send: false, why: `the request is ${subject.status}` };
  }
  if (kind === 'weekly_digest') {
    return subject.kind === 'executive'
      ? { send: true, audience: NOBODY, repeat: true }
      : { send: false, why: 'not an executive' };
  }
  if (subject.kind !== 'due_item') return { send: false, why: 'not a due item' };
  if (subject.done) return { send: false, why: 'the item is done' };
  if (subject.dueDate !== subject.scheduledFor) return { send: false, why: 'its due date moved' };
  const audience = dueAudience(subject.stage);
  if (!audience.partnerChannel && !audience.operator) {
    return { send: false, why: `the engagement is ${subject.stage}` };
  }
  return { send: true, audience, repeat: false };
}
