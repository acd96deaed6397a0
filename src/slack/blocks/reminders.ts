import type { KnownBlock } from '@slack/types';
import { describeDuration } from '../../domain/digest.js';
import { engagementLabel } from '../../domain/engagement.js';
import type { ApprovalView } from '../../services/approval-view-service.js';
import { approvalMessage } from './approval.js';
import { calendarDate, slackDate } from './dates.js';
import { context, esc, type Rendered, section, truncate } from './text.js';

/** Slack's limit on blocks in one message. */
const MESSAGE_BLOCKS_MAX = 50;

/**
 * A waiting approval's reminder to one person who may still vote: the request itself, with its
 * buttons (it is stored as a copy and updated in place when decided), headed by how long it has
 * waited.
 */
export function approvalReminderMessage(
  view: ApprovalView,
  recipientId: string,
  now: Date,
): Rendered {
  const request = approvalMessage(view, recipientId);
  const waited = describeDuration(now.getTime() - view.requestedAt.getTime());
  const note: KnownBlock = context(
    `:alarm_clock: Reminder: *${view.ref}* has waited ${waited} for your decision (since ${slackDate(view.requestedAt)}).`,
  );
  return {
    text: `Reminder: ${request.text}`,
    blocks: [note, ...request.blocks].slice(0, MESSAGE_BLOCKS_MAX),
  };
}

export type DueReminderKind =
  | 'scope_due_soon'
  | 'scope_overdue'
  | 'stage_due_soon'
  | 'stage_overdue';

/** What a due-soon or overdue message says about its item. */
export interface DueItemNotice {
  readonly kind: DueReminderKind;
  readonly ref: string;
  readonly title: string;
  readonly dueDate: string;
  readonly engagement: { readonly slug: string; readonly name: string };
  /** The partner channel (partners and the team) or the operator's DM. */
  readonly audience: 'channel' | 'operator';
}

/** A scope item or stage checkpoint due soon or overdue, for the partner channel or the operator. */
export function dueItemMessage(notice: DueItemNotice): Rendered {
  const what = notice.kind.startsWith('scope') ? 'Scope item' : 'Stage checkpoint';
  const overdue = notice.kind.endsWith('overdue');
  const label = engagementLabel(notice.engagement.slug);
  const item = `${what} *${notice.ref}* ${esc(truncate(notice.title, 200))}`;
  const when = overdue
    ? `was due ${calendarDate(notice.dueDate)} and is overdue`
    : `is due ${calendarDate(notice.dueDate)}`;
  const next =
    notice.audience === 'channel'
      ? overdue
        ? 'If it cannot be delivered, raise it with the operator now, so a timeline change can be agreed.'
        : 'Deliver it against its acceptance criteria; if the date is at risk, say so early.'
      : `\`/amos status ${notice.engagement.slug}\` shows where the engagement stands.`;
  const icon = overdue ? ':warning:' : ':calendar:';
  return {
    text: `${label}: ${what.toLowerCase()} ${notice.ref} ${overdue ? 'is overdue' : `is due ${calendarDate(notice.dueDate)}`}.`,
    blocks: [
      section(
        `${icon} ${item} of ${label} (${esc(truncate(notice.engagement.name, 200))}) ${when}.`,
      ),
      context(next),
    ],
  };
}
