import { claimOnce } from '../db/delivery-repository.js';
import type { EngagementRow } from '../db/engagement-repository.js';
import { findEngagementByChannel, findEngagementById } from '../db/engagement-repository.js';
import { isMemberOfPartnerOrg, isPartnerUser } from '../db/partner-member-repository.js';
import type { ChainedRecord } from '../domain/decision-record.js';
import { engagementLabel, STAGE_LABELS, type Stage } from '../domain/engagement.js';
import {
  channelGate,
  type GatingMode,
  onPartnerJoin,
  onPartnerMessage,
  partnerMayAct,
} from '../domain/gating.js';
import { type Change, runChange, type ServiceDeps } from './change.js';
import { haltOf, lockEngagementRow } from './engagement-lifecycle-service.js';
import { JOB } from './follow-up.js';

/** The engagement a gated partner channel belongs to, as the Slack side needs it. */
export interface GatedEngagement {
  readonly id: string;
  readonly slug: string;
  readonly stage: Stage;
  readonly operatorId: string;
  readonly partnerChannelId: string;
}

/** A boundary event that was recorded, and the sentence explaining it to the partner. */
export interface Boundary {
  readonly engagement: GatedEngagement;
  /** Why the partner may not be here / act here now, naming the stage and what must happen next. */
  readonly reason: string;
  readonly record: ChainedRecord;
}

export type JoinOutcome =
  | { readonly action: 'none' }
  | ({ readonly action: JoinAction } & Boundary);

export type JoinAction = 'remove' | 'warn';

interface ChannelEvent {
  readonly teamId: string;
  readonly channelId: string;
  readonly userId: string;
}

/**
 * A user joined a channel. When it is an engagement's partner channel, the user is a partner
 * user and the domain says they may not be there (gated stage, or another organisation's
 * member), records `boundary.partner_joined` with the intended action (remove in enforce mode,
 * warn in warn mode) and says which; anyone else is left alone and nothing is written. The
 * outcome is recorded separately, by `recordJoinOutcome`, once Slack has carried it out.
 */
export async function handlePartnerJoin(
  deps: ServiceDeps,
  event: ChannelEvent & {
    readonly mode: GatingMode;
    /** Found there by reconciliation (the scheduler's, or a pause's) rather than seen joining. */
    readonly found?: boolean;
  },
): Promise<JoinOutcome> {
  return withPartnerInChannel(deps, event, { action: 'none' }, async (change, row, isMember) => {
    const stage = row.stage as Stage;
    const action = onPartnerJoin(stage, event.mode, isMember);
    if (action === 'allow') return { action: 'none' };
    const name = engagementLabel(row.slug);
    const why =
      channelGate(stage) === 'closed'
        ? `while ${name} is in ${STAGE_LABELS[stage]}`
        : `of ${name} without being a member of its partner organisation`;
    const record = await change.record({
      engagementId: row.id,
      kind: 'boundary.partner_joined',
      subjectRef: null,
      summary: `Partner ${event.userId} ${event.found ? 'was found in' : 'joined'} the partner channel ${why}: to be ${
        action === 'remove' ? 'removed (enforce mode)' : 'warned (warn mode)'
      }.`,
      details: {
        ...ids(event),
        stage,
        action,
        memberOfEngagementOrg: isMember,
        ...(event.found ? { found: 'reconciliation' } : {}),
      },
    });
    const engagement = gated(row);
    const reason = reasonFor(row, isMember);
    // Carrying it out (kick or warning, its record, the failure report) is the
    // enforce-channel-gate job, committed with the boundary record.
    await change.enqueue(
      JOB.enforceChannelGate,
      {
        teamId: event.teamId,
        userId: event.userId,
        action,
        reason,
        joinedSeq: record.seq,
        engagement,
      },
      { key: `${row.id}:${event.userId}:${record.seq}` },
    );
    return { action, engagement, reason, record };
  });
}

/**
 * Read only, for the gate job about to carry out a removal or warning decided at `decidedAt`
 * (the stage its `boundary.partner_joined` named): whether it still stands. Not when the gate
 * has opened for this user since (a resume committed while the kick waited or retried), nor
 * when the engagement was terminated since (its closing job removes every partner still there,
 * and the channel may be archived already). Decided while terminated, it stands.
 */
export async function gateDecisionStands(
  deps: ServiceDeps,
  job: { teamId: string; engagementId: string; userId: string; decidedAt: Stage },
): Promise<boolean> {
  const row = await findEngagementById(deps.db, job.teamId, job.engagementId);
  if (!row) return false;
  const stage = row.stage as Stage;
  if (stage === 'terminated') return job.decidedAt === 'terminated';
  if (channelGate(stage) === 'closed') return true;
  const isMember = row.partner_org_id
    ? await isMemberOfPartnerOrg(deps.db, job.teamId, row.partner_org_id, job.userId)
    : false;
  return onPartnerJoin(stage, 'enforce', isMember) !== 'allow';
}

/**
 * Appends, as its own change, what Slack confirmed was done about a partner's join:
 * `boundary.partner_removed` after a successful kick, `boundary.partner_warned` after the
 * warning was posted. Never called for a refused call (that is a `slack.error`), so the record
 * never claims what did not happen.
 */
export async function recordJoinOutcome(
  deps: ServiceDeps,
  outcome: {
    readonly teamId: string;
    readonly userId: string;
    readonly engagement: GatedEngagement;
    readonly action: JoinAction;
    /** The seq of the `boundary.partner_joined` record this outcome follows. */
    readonly joinedSeq: number;
    /** Recorded at most once per key (a retried job does not record it twice). */
    readonly onceKey?: string;
  },
): Promise<ChainedRecord | undefined> {
  const { teamId, userId, engagement, action } = outcome;
  const channel = engagement.partnerChannelId;
  return runChange(deps, teamId, userId, async (change) => {
    if (outcome.onceKey && !(await claimOnce(change.trx, teamId, outcome.onceKey)))
      return undefined;
    return change.record({
      engagementId: engagement.id,
      kind: action === 'remove' ? 'boundary.partner_removed' : 'boundary.partner_warned',
      subjectRef: null,
      summary:
        action === 'remove'
          ? `Partner ${userId} was removed from the partner channel ${channel}.`
          : `Partner ${userId} was warned that the partner channel ${channel} is not open to them.`,
      details: { channel, user: userId, joinedRecord: outcome.joinedSeq },
    });
  });
}

/**
 * A partner user posted in a gated partner channel: records `boundary.partner_message` (ids
 * only, never the text) with the job that tells them privately why, and returns it; undefined when the channel is open, is no
 * partner channel, or the poster is no partner user.
 */
export async function handlePartnerMessage(
  deps: ServiceDeps,
  event: ChannelEvent,
): Promise<Boundary | undefined> {
  return withPartnerInChannel(deps, event, undefined, async (change, row) => {
    const stage = row.stage as Stage;
    if (onPartnerMessage(stage) === 'allow') return undefined;
    const record = await change.record({
      engagementId: row.id,
      kind: 'boundary.partner_message',
      subjectRef: null,
      summary: `Partner ${event.userId} posted in the partner channel while ${engagementLabel(row.slug)} is in ${STAGE_LABELS[stage]}: sent a notice.`,
      details: { ...ids(event), stage },
    });
    const engagement = gated(row);
    const reason = reasonFor(row, true);
    // The partner's notice is the notify-gated-partner job, committed with the record.
    await change.enqueue(
      JOB.notifyGatedPartner,
      {
        teamId: event.teamId,
        userId: event.userId,
        reason,
        engagement: {
          id: engagement.id,
          slug: engagement.slug,
          operatorId: engagement.operatorId,
          partnerChannelId: engagement.partnerChannelId,
        },
      },
      { key: `${row.id}:${record.seq}` },
    );
    return { engagement, reason, record };
  });
}

/** Why a partner's command in a gated partner channel is refused; nothing is written yet. */
export interface CommandRefusal {
  readonly engagement: GatedEngagement;
  readonly reason: string;
}

/**
 * Read-only, no transaction or lock (fast enough to run before Slack's 3-second ack): the
 * refusal for a partner user's `/amos` command typed in a gated partner channel; undefined when
 * the command may go on to its own checks. Record the refusal afterwards with
 * `recordPartnerCommand`.
 */
export async function checkPartnerCommand(
  deps: ServiceDeps,
  event: ChannelEvent,
): Promise<CommandRefusal | undefined> {
  const [row, isPartner] = await Promise.all([
    findEngagementByChannel(deps.db, event.teamId, event.channelId),
    isPartnerUser(deps.db, event.teamId, event.userId),
  ]);
  if (!row || !isPartner || channelGate(row.stage as Stage) === 'open') return undefined;
  return { engagement: gated(row), reason: reasonFor(row, true) };
}

/**
 * Records `boundary.partner_command` (the command name only, never its arguments) for a refusal
 * already given, as its own change, naming the stage the partner was refused in.
 */
export async function recordPartnerCommand(
  deps: ServiceDeps,
  event: ChannelEvent & { readonly command: string; readonly refusal: CommandRefusal },
): Promise<ChainedRecord> {
  const { engagement } = event.refusal;
  return runChange(deps, event.teamId, event.userId, (change) =>
    change.record({
      engagementId: engagement.id,
      kind: 'boundary.partner_command',
      subjectRef: null,
      summary: `Partner ${event.userId} tried \`/amos ${event.command}\` in the partner channel while ${engagementLabel(engagement.slug)} is in ${STAGE_LABELS[engagement.stage]}: refused.`,
      details: { ...ids(event), command: event.command, stage: engagement.stage },
    }),
  );
}

/**
 * Runs `work` in a change with the engagement locked, only when `channelId` is an engagement's
 * partner channel and the user a partner user; otherwise returns `none` without a transaction.
 */
async function withPartnerInChannel<T>(
  deps: ServiceDeps,
  event: ChannelEvent,
  none: T,
  work: (change: Change, engagement: EngagementRow, isMemberOfEngagementOrg: boolean) => Promise<T>,
): Promise<T> {
  const found = await findEngagementByChannel(deps.db, event.teamId, event.channelId);
  if (!found) return none;
  if (!(await isPartnerUser(deps.db, event.teamId, event.userId))) return none;
  return runChange(deps, event.teamId, event.userId, async (change) => {
    const row = await lockEngagementRow(change, found.id);
    const orgId = row.partner_org_id;
    const isMember = orgId
      ? await isMemberOfPartnerOrg(change.trx, event.teamId, orgId, event.userId)
      : false;
    return work(change, row, isMember);
  });
}

/** The domain's explanation, naming the stage and the next step (or the wrong organisation). */
function reasonFor(row: EngagementRow, isMemberOfEngagementOrg: boolean): string {
  const result = partnerMayAct(
    { slug: row.slug, stage: row.stage as Stage, ...haltOf(row) },
    { isMemberOfEngagementOrg, acknowledgedCharter: true },
  );
  return result.ok ? '' : result.refusal.message;
}

function gated(row: EngagementRow): GatedEngagement {
  return {
    id: row.id,
    slug: row.slug,
    stage: row.stage as Stage,
    operatorId: row.operator_id,
    partnerChannelId: row.partner_channel_id ?? '',
  };
}

const ids = (event: ChannelEvent) => ({ channel: event.channelId, user: event.userId });
