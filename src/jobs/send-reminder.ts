import { z } from 'zod';
import { loadDigestFacts } from '../db/digest-repository.js';
import { findEngagementById } from '../db/engagement-repository.js';
import { weeklyDigest } from '../domain/digest.js';
import type { Stage } from '../domain/engagement.js';
import { dueAudience, REMINDER_KINDS } from '../domain/reminders.js';
import { loadApprovalView, rememberApprovalCopy } from '../services/approval-view-service.js';
import type { ReminderDelivery } from '../services/scheduler-service.js';
import { timeZonesOf } from '../services/user-profile-service.js';
import { weeklyDigestMessage } from '../slack/blocks/digest.js';
import {
  approvalReminderMessage,
  type DueReminderKind,
  dueItemMessage,
} from '../slack/blocks/reminders.js';
import { deliverMessage } from './deliver.js';
import { defineJob } from './job.js';

export const SEND_REMINDER = 'send-reminder';

const payload = z.object({
  teamId: z.string(),
  /** The reminder's key, `engagement:kind:item:due-moment:recipient`: the job's key. */
  key: z.string(),
  kind: z.enum(REMINDER_KINDS),
  recipient: z.string(),
  subjectId: z.string(),
  engagementId: z.string().nullable(),
  /** A due item's ref, title and date, as the scheduler found them. */
  item: z.object({ ref: z.string(), title: z.string(), dueDate: z.string() }).optional(),
});
type Payload = z.infer<typeof payload>;

/** What the job needs of a delivery the scheduler handed over: ids, and a due item's facts. */
export function reminderPayload(delivery: ReminderDelivery): Payload {
  const { subject } = delivery;
  return {
    teamId: delivery.teamId,
    key: delivery.key,
    kind: delivery.kind,
    recipient: delivery.recipient,
    subjectId:
      subject.kind === 'approval'
        ? subject.approval.id
        : subject.kind === 'due_item'
          ? subject.item.id
          : subject.digest.executiveId,
    engagementId: delivery.engagementId,
    ...(subject.kind === 'due_item'
      ? {
          item: {
            ref: subject.item.ref,
            title: subject.item.title,
            dueDate: subject.item.dueDate ?? '',
          },
        }
      : {}),
  };
}

/**
 * Sends one reminder once (its key names item, due moment and recipient), checking again that
 * it is still due when it runs: an approval still pending and not voted on by the recipient
 * (sent with its buttons and stored as a copy, so it is updated in place when decided); a due
 * item only to an audience the engagement's stage still allows (never the partner channel of a
 * paused or terminated engagement); the weekly digest rendered with the record heads of now.
 */
export const sendReminder = defineJob({
  name: SEND_REMINDER,
  kind: 'once',
  concurrency: 10,
  payload,
  async handle(ctx, p) {
    const key = `reminder:${p.key}`;
    const now = ctx.deps.clock.now();
    if (p.kind === 'approval_waiting') {
      const view = await loadApprovalView(ctx.deps, p.teamId, p.subjectId);
      if (view?.status !== 'pending') return;
      if (view.votes.some((v) => v.userId === p.recipient)) return;
      const delivered = await deliverMessage(ctx, {
        key,
        channel: p.recipient,
        message: approvalReminderMessage(view, p.recipient, now),
      });
      if (delivered.postedNow && delivered.channelId && delivered.ts) {
        await rememberApprovalCopy(ctx.deps, {
          teamId: p.teamId,
          approvalRequestId: p.subjectId,
          channelId: delivered.channelId,
          ts: delivered.ts,
          recipientId: p.recipient,
        });
      }
      return;
    }
    if (p.kind === 'weekly_digest') {
      const zones = await timeZonesOf(ctx.deps, p.teamId, [p.recipient]);
      const engagements = await loadDigestFacts(ctx.deps.db, p.teamId, p.recipient);
      const digest = weeklyDigest({
        teamId: p.teamId,
        executiveId: p.recipient,
        now,
        timeZone: zones.get(p.recipient) ?? 'UTC',
        engagements,
      });
      await deliverMessage(ctx, {
        key,
        channel: p.recipient,
        message: weeklyDigestMessage(digest),
      });
      return;
    }
    if (!p.engagementId || !p.item) return;
    const engagement = await findEngagementById(ctx.deps.db, p.teamId, p.engagementId);
    if (!engagement) return;
    const audience = dueAudience(engagement.stage as Stage);
    const toChannel = p.recipient === engagement.partner_channel_id;
    if (toChannel ? !audience.partnerChannel : !audience.operator) return;
    await deliverMessage(ctx, {
      key,
      channel: p.recipient,
      message: dueItemMessage({
        kind: p.kind as DueReminderKind,
        ...p.item,
        engagement: { slug: engagement.slug, name: engagement.name },
        audience: toChannel ? 'channel' : 'operator',
      }),
    });
  },
});
