import { findEngagementById, loadEngagementFacts } from '../db/engagement-repository.js';
import { listPartnerMemberIds } from '../db/partner-member-repository.js';
import type { ChainedRecord } from '../domain/decision-record.js';
import {
  engagementLabel,
  type ScopeItemFacts,
  STAGE_LABELS,
  type Stage,
  type StageCheckpointFacts,
} from '../domain/engagement.js';
import { refuse } from '../domain/errors.js';
import { type Change, check, runChange, type ServiceDeps } from './change.js';
import {
  applyTransition,
  type LockedEngagement,
  lockWithFacts,
  resolveEngagement,
} from './engagement-lifecycle-service.js';
import { partnerChannelSetUp } from './follow-up.js';
import { scheduleEngagementDueDates } from './scheduler-service.js';

export interface ActivationRequest {
  readonly teamId: string;
  readonly userId: string;
  /** The engagement's slug; when omitted, the engagement whose partner channel `channelId` is. */
  readonly slug?: string;
  readonly channelId?: string;
}

/** What activation committed, and everything the Slack side needs to announce it. */
export interface Activation {
  readonly engagement: {
    readonly id: string;
    readonly slug: string;
    readonly name: string;
    readonly client: string;
    readonly operatorId: string;
    readonly partnerChannelId: string;
  };
  readonly partnerOrg: { readonly id: string; readonly name: string };
  /** The partner organisation's members: to invite, and to ask for acknowledgement. */
  readonly memberIds: readonly string[];
  /** The approved execution requirements' reference (EX-n), when there is one. */
  readonly requirementsRef?: string;
  readonly scopeItems: readonly ScopeItemFacts[];
  readonly stages: readonly StageCheckpointFacts[];
  /** Who activated (or retried the set-up): told about any Slack failure. */
  readonly activatedBy: string;
  readonly record: ChainedRecord;
}

/**
 * Partner Activation: in one transaction, checks role, stage and the activation gate (fit
 * verdict, partner channel) in the domain, moves the engagement to `active` and records it.
 * A refusal lists every unmet condition and changes nothing. Slack work happens after, from
 * the returned Activation.
 */
export async function activateEngagement(
  deps: ServiceDeps,
  request: ActivationRequest,
): Promise<Activation> {
  const { teamId, userId } = request;
  return runChange(deps, teamId, userId, async (change) => {
    const found = await resolveEngagement(change.trx, teamId, request.slug, request.channelId);
    const locked = await lockWithFacts(change, found.id);
    const { record } = await applyTransition(change, locked, 'activate', {}, deps.admins);
    if (deps.reminders) {
      await scheduleEngagementDueDates(
        change.trx,
        { teamId, id: locked.engagement.id, operatorId: locked.engagement.operator_id },
        deps.reminders,
        change.now,
      );
    }
    await partnerChannelSetUp(change, {
      engagementId: locked.engagement.id,
      steps: ['invites', 'requirements', 'charter', 'ack'],
      recordSeq: record.seq,
    });
    return activationOf(change, locked, record);
  });
}

/**
 * Redoing the Slack set-up of an activation that Slack partly refused: only while the
 * engagement is active, by an executive or the engagement's operator; records
 * `activation.setup_retried` with the steps redone.
 */
export async function retryActivationSetup(
  deps: ServiceDeps,
  request: { teamId: string; userId: string; engagementId: string; steps: readonly string[] },
): Promise<Activation> {
  const { teamId, userId } = request;
  return runChange(deps, teamId, userId, async (change) => {
    const locked = await lockWithFacts(change, request.engagementId);
    if (locked.engagement.operator_id !== userId) await change.authorize('activate');
    const stage = locked.engagement.stage as Stage;
    if (stage !== 'active') {
      const name = engagementLabel(locked.engagement.slug);
      check(
        refuse(
          'wrong_stage',
          `${name} is in *${STAGE_LABELS[stage]}*, so its partner set-up is not redone: that happens only while it is active.`,
        ),
      );
    }
    const record = await change.record({
      engagementId: locked.engagement.id,
      kind: 'activation.setup_retried',
      subjectRef: null,
      summary: `Partner channel set-up retried (${request.steps.join(', ')}).`,
      details: { steps: request.steps, partnerChannelId: locked.engagement.partner_channel_id },
      capability: 'activate',
    });
    await partnerChannelSetUp(change, {
      engagementId: locked.engagement.id,
      steps: request.steps,
      recordSeq: record.seq,
    });
    return activationOf(change, locked, record);
  });
}

/**
 * What the partner channel set-up needs now, read outside any change (the set-up job renders
 * the latest committed state); undefined when the engagement is gone or no longer set up.
 */
export async function loadActivationSetUp(
  deps: ServiceDeps,
  teamId: string,
  engagementId: string,
  actorId: string,
): Promise<(Omit<Activation, 'record'> & { readonly stage: 'active' | 'paused' }) | undefined> {
  const engagement = await findEngagementById(deps.db, teamId, engagementId);
  // A set-up job still queued or retrying when the engagement was paused (again) or terminated
  // must not invite partners into a gated or archived channel: terminated, nothing is done;
  // paused, the job skips the invites (a resume invites them) and still posts what activation
  // posts, so a resume finds the charter there to acknowledge.
  const stage = engagement?.stage;
  if (!engagement || (stage !== 'active' && stage !== 'paused')) return undefined;
  const facts = await loadEngagementFacts(deps.db, engagement);
  if (!facts.partnerOrg || !engagement.partner_channel_id) return undefined;
  return {
    ...activationFacts(
      { engagement, facts },
      await listPartnerMemberIds(deps.db, teamId, facts.partnerOrg.id),
      actorId,
    ),
    stage,
  };
}

async function activationOf(
  change: Change,
  locked: LockedEngagement,
  record: ChainedRecord,
): Promise<Activation> {
  const { facts } = locked;
  if (!facts.partnerOrg) {
    throw new Error('an active engagement without a partner organisation or channel');
  }
  const memberIds = await listPartnerMemberIds(change.trx, change.teamId, facts.partnerOrg.id);
  return { ...activationFacts(locked, memberIds, change.actor.userId), record };
}

function activationFacts(
  locked: LockedEngagement,
  memberIds: readonly string[],
  activatedBy: string,
): Omit<Activation, 'record'> {
  const { engagement, facts } = locked;
  // The activation gate guarantees both; the check narrows the types.
  if (!facts.partnerOrg || !engagement.partner_channel_id) {
    throw new Error('an active engagement without a partner organisation or channel');
  }
  const requirementsRef = facts.requirements?.ref;
  return {
    engagement: {
      id: engagement.id,
      slug: engagement.slug,
      name: engagement.name,
      client: engagement.client,
      operatorId: engagement.operator_id,
      partnerChannelId: engagement.partner_channel_id,
    },
    partnerOrg: { id: facts.partnerOrg.id, name: facts.partnerOrg.name },
    memberIds,
    ...(requirementsRef ? { requirementsRef } : {}),
    scopeItems: facts.scopeItems,
    stages: facts.stages,
    activatedBy,
  };
}
