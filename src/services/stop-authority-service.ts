import { withdrawPendingApprovals } from '../db/approval-repository.js';
import {
  type EngagementRow,
  findEngagementByChannel,
  findEngagementById,
  findEngagementBySlug,
} from '../db/engagement-repository.js';
import { listPartnerMemberIds } from '../db/partner-member-repository.js';
import type { ChainedRecord } from '../domain/decision-record.js';
import { engagementLabel, STAGE_LABELS, type Stage } from '../domain/engagement.js';
import { refuse } from '../domain/errors.js';
import { TRANSITIONS } from '../domain/transitions.js';
import { type Change, check, notFound, runChange, type ServiceDeps } from './change.js';
import {
  applyTransition,
  type LockedEngagement,
  lockWithFacts,
  resolveEngagement,
} from './engagement-lifecycle-service.js';
import { approvalMoved, homesChanged, JOB, partnerChannelSetUp } from './follow-up.js';
import { actorWith } from './read-access.js';
import { cancelApprovalReminders, cancelEndedEngagementReminders } from './scheduler-service.js';

// Stop authority (PRODUCT.md section 6, the seed's "Stop Authority"): any one executive pauses,
// resumes or terminates an engagement (N of M does not apply). Each is one lifecycle transition
// through the transition table, recorded, with its Slack effects as jobs in the same change.

export type StopAction = 'pause' | 'resume' | 'terminate';

/**
 * The engagement by id (a button, a modal), or as a command names it: `typed` is the command's
 * text split at its first word, which is the slug when an engagement has it; otherwise the
 * engagement is the partner channel's and the whole text is the reason.
 */
export type StopTarget =
  | { engagementId: string }
  | {
      typed: { readonly word?: string; readonly rest: string; readonly whole: string };
      channelId?: string;
    };

export interface StopRequest {
  readonly teamId: string;
  readonly userId: string;
  readonly action: StopAction;
  readonly target: StopTarget;
  /** Required to pause and to terminate (the domain asks for it when missing); commands give `typed`. */
  readonly reason?: string;
}

/** What a pause, resume or termination committed, for the reply. */
export interface StopOutcome {
  readonly teamId: string;
  readonly action: StopAction;
  readonly engagement: {
    readonly id: string;
    readonly slug: string;
    readonly name: string;
    readonly stage: Stage;
    readonly partnerChannelId: string | null;
    readonly sponsorIds: readonly string[];
    readonly operatorId: string;
  };
  /** The executive who acted. */
  readonly actorId: string;
  readonly reason?: string;
  readonly record: ChainedRecord;
  /** Approval requests (REF) withdrawn by a termination. */
  readonly withdrawn: readonly string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Pause, resume or terminate, by an executive, in one transaction:
 * - pause: `engagement.paused` recorded with the reason; who and why kept on the engagement, so
 *   every partner refusal names them; the partner channel reconciled (partners removed in
 *   enforce mode, warned in warn mode, each a boundary event);
 * - resume: `engagement.resumed`; the partner organisation's members invited back;
 * - terminate: `engagement.terminated`; every pending approval request withdrawn (recorded, its
 *   copies updated in place); the partner channel closed (partners removed, the final summary of
 *   the decision record posted, the channel archived).
 * Role, stage and reason are the transition table's; a refusal changes nothing.
 */
export async function stopWork(deps: ServiceDeps, request: StopRequest): Promise<StopOutcome> {
  const { teamId, userId, action, target } = request;
  return runChange(deps, teamId, userId, async (change) => {
    // Who may stop work is settled before which engagement: nobody else learns what exists.
    await change.authorize(action);
    const found = await targetOf(change, target);
    const locked = await lockWithFacts(change, found.engagementId);
    const engagementId = found.engagementId;
    const reason = (found.reason ?? request.reason)?.trim();
    const { outcome, record } = await applyTransition(
      change,
      locked,
      action,
      // Resuming needs no reason; what follows the slug is kept as its note.
      reason ? (action === 'resume' ? { note: reason } : { reason }) : {},
      deps.admins,
    );
    await setHalt(change, locked.engagement, action === 'resume' ? undefined : (reason ?? ''));
    const withdrawn = action === 'terminate' ? await withdrawApprovals(change, engagementId) : [];
    if (action === 'terminate') {
      // Nothing more is reminded about it: due moments and held messages are cancelled.
      await cancelEndedEngagementReminders(
        change.trx,
        { teamId: change.teamId, id: engagementId, stage: 'terminated' },
        change.now,
      );
    }
    await stopEffects(change, locked, action, record);
    const e = locked.engagement;
    return {
      teamId,
      action,
      engagement: {
        id: e.id,
        slug: e.slug,
        name: e.name,
        stage: outcome.to,
        partnerChannelId: e.partner_channel_id,
        sponsorIds: e.sponsor_ids,
        operatorId: e.operator_id,
      },
      actorId: change.actor.userId,
      ...(reason && action !== 'resume' ? { reason } : {}),
      record,
      withdrawn,
    };
  });
}

/**
 * Read only, for a Pause button: the engagement it names, once the presser is shown to hold the
 * right to pause (a partner or anyone else without it is refused here and nothing opens).
 */
export async function pauseForm(
  deps: ServiceDeps,
  request: { teamId: string; userId: string; engagementId: string },
): Promise<{ id: string; slug: string; name: string; stage: Stage }> {
  await actorWith(deps, request.teamId, request.userId, 'pause');
  const engagement = UUID.test(request.engagementId)
    ? await findEngagementById(deps.db, request.teamId, request.engagementId)
    : undefined;
  if (!engagement) return notFound('That engagement no longer exists in this workspace.');
  const stage = engagement.stage as Stage;
  if (!TRANSITIONS.pause.from.includes(stage)) {
    const name = engagementLabel(engagement.slug);
    check(
      refuse(
        'wrong_stage',
        stage === 'paused'
          ? `${name} is already *paused*; an executive can resume it (\`/amos resume ${engagement.slug}\`) or terminate it.`
          : `${name} is *${STAGE_LABELS[stage]}*: only an active engagement can be paused.`,
      ),
    );
  }
  return {
    id: engagement.id,
    slug: engagement.slug,
    name: engagement.name,
    stage: engagement.stage as Stage,
  };
}

async function targetOf(
  change: Change,
  target: StopTarget,
): Promise<{ engagementId: string; reason?: string }> {
  if ('engagementId' in target) {
    if (!UUID.test(target.engagementId)) {
      return notFound('That engagement no longer exists in this workspace.');
    }
    return { engagementId: target.engagementId };
  }
  const { word, rest, whole } = target.typed;
  const bySlug = word ? await findEngagementBySlug(change.trx, change.teamId, word) : undefined;
  if (bySlug) return { engagementId: bySlug.id, reason: rest };
  const inChannel = target.channelId
    ? await findEngagementByChannel(change.trx, change.teamId, target.channelId)
    : undefined;
  if (inChannel) return { engagementId: inChannel.id, reason: whole };
  const found = await resolveEngagement(change.trx, change.teamId, word, undefined);
  return { engagementId: found.id, reason: rest };
}

/** Keeps who stopped the work and why on the engagement (cleared on resume). */
async function setHalt(change: Change, row: EngagementRow, reason: string | undefined) {
  await change.trx
    .updateTable('engagement')
    .set(
      reason === undefined
        ? { halt_reason: null, halted_by: null, halted_at: null }
        : { halt_reason: reason, halted_by: change.actor.userId, halted_at: change.now },
    )
    .where('team_id', '=', change.teamId)
    .where('id', '=', row.id)
    .execute();
}

/** Inside a termination: closes the pending approval requests, records each, updates copies. */
async function withdrawApprovals(change: Change, engagementId: string): Promise<string[]> {
  const rows = await withdrawPendingApprovals(
    change.trx,
    change.teamId,
    engagementId,
    change.now,
    change.actor.userId,
    'terminated',
  );
  for (const row of rows) {
    await change.record({
      engagementId,
      kind: 'approval.withdrawn',
      subjectRef: row.ref,
      summary: `${row.ref} withdrawn: the engagement was terminated, so it is no longer up for approval.`,
      details: { reason: 'terminated', approvalRequestId: row.id, subject: row.subject },
      capability: 'terminate',
    });
    await cancelApprovalReminders(change.trx, change.teamId, row.id, change.now, 'terminated');
    await approvalMoved(change, { approvalRequestId: row.id, decided: false });
  }
  return rows.map((row) => row.ref);
}

/** The Slack effects, as jobs committed with the transition. Keys: the engagement and the record. */
async function stopEffects(
  change: Change,
  locked: LockedEngagement,
  action: StopAction,
  record: ChainedRecord,
): Promise<void> {
  const { teamId } = change;
  const e = locked.engagement;
  const key = `${e.id}:${record.seq}`;
  if (e.partner_channel_id) {
    if (action === 'pause') {
      // The gate is closed again: reconcile this channel now, as the scheduler does.
      await change.enqueue(JOB.reconcileGates, { teamId, engagementId: e.id }, { key });
    } else if (action === 'resume' && locked.facts.partnerOrg) {
      await partnerChannelSetUp(change, {
        engagementId: e.id,
        steps: ['invites'],
        recordSeq: record.seq,
      });
    } else if (action === 'terminate') {
      await change.enqueue(
        JOB.closePartnerChannel,
        { teamId, engagementId: e.id, actorId: change.actor.userId, recordSeq: record.seq },
        { key },
      );
    }
  }
  const partners = e.partner_org_id
    ? await listPartnerMemberIds(change.trx, teamId, e.partner_org_id)
    : [];
  await homesChanged(change, [...e.sponsor_ids, e.operator_id, change.actor.userId, ...partners]);
}
