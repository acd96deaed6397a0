import type { Db, Trx } from '../db/database.js';
import { type EngagementRow, nextRef } from '../db/engagement-repository.js';
import {
  type EscalationRow,
  findByForm,
  findEscalation,
  insertEscalation,
  lockEscalation,
  updateEscalation,
} from '../db/risk-repository.js';
import { findSlackUsers } from '../db/slack-user-repository.js';
import { engagementLabel, isFinalStage, type Stage } from '../domain/engagement.js';
import { DomainRefusal, refuse } from '../domain/errors.js';
import {
  type Arrival,
  actOnEscalation,
  climb,
  type EscalationAction,
  type EscalationDraft,
  type EscalationInput,
  earliestToday,
  type LadderContext,
  openEscalation,
  validateEscalation,
} from '../domain/escalation.js';
import type { Actor } from '../domain/roles.js';
import { FALLBACK_TIME_ZONE, knownTimeZone, nextWorkingMoment } from '../domain/working-hours.js';
import {
  type Change,
  check,
  type EscalationSettings,
  notFound,
  runChange,
  type ServiceDeps,
} from './change.js';
import { assertPartnerMayAct } from './charter-service.js';
import {
  lockEngagementRow,
  resolveAndLock,
  resolveEngagement,
} from './engagement-lifecycle-service.js';
import { JOB } from './follow-up.js';
import { actorWith } from './read-access.js';
import {
  type FetchTimeZone,
  PROFILE_MAX_AGE_MS,
  rememberUserProfile,
} from './user-profile-service.js';

const H = 3_600_000;

/** AMOS_SLA_* and AMOS_WORKING_HOURS defaults (PRODUCT.md section 11), for service tests. */
export const DEFAULT_ESCALATION_SETTINGS: EscalationSettings = {
  slas: { critical: 1 * H, high: 4 * H, medium: 24 * H, low: 72 * H },
  workingHours: { startMinute: 9 * 60, endMinute: 18 * 60 },
};

/** Who acts when a due moment moves an escalation: the scheduler, recorded as `system`. */
export const LADDER_ACTOR = 'AMOS';

export interface RaiseTarget {
  teamId: string;
  userId: string;
  slug?: string | undefined;
  channelId?: string | undefined;
  /** The modal submitted (its view id): a second submission of it raises nothing new. */
  formId?: string | undefined;
}

/**
 * Raising a risk or an escalation: a partner of the engagement who may act on it (active,
 * charter acknowledged), or its operator, an executive or an admin, while it is not final.
 */
export async function checkMayRaise(
  db: Db | Trx,
  teamId: string,
  actor: Actor,
  engagement: EngagementRow,
): Promise<void> {
  const staff = actor.roles.some((r) => r !== 'partner');
  if (!staff) {
    await assertPartnerMayAct(db, teamId, engagement, actor.userId);
    return;
  }
  if (isFinalStage(engagement.stage as Stage)) {
    throw new DomainRefusal(
      refuse('wrong_stage', `${engagementLabel(engagement.slug)} is ${engagement.stage}.`).refusal,
    );
  }
}

/** The raise check inside a change (role first, then the engagement). */
export async function assertMayRaise(change: Change, engagement: EngagementRow): Promise<void> {
  await change.authorize('raise_risk');
  await checkMayRaise(change.trx, change.teamId, change.actor, engagement);
}

/** Before a risk or escalation modal opens: may this person raise one here? (read only) */
export async function raiseForm(deps: ServiceDeps, target: RaiseTarget) {
  const actor = await actorWith(deps, target.teamId, target.userId, 'raise_risk');
  const engagement = await resolveEngagement(deps.db, target.teamId, target.slug, target.channelId);
  await checkMayRaise(deps.db, target.teamId, actor, engagement);
  return { engagement: { id: engagement.id, slug: engagement.slug } };
}

/** The ladder's context for one engagement: its path, sponsors, the SLAs and everyone's zone. */
async function ladderContext(
  deps: ServiceDeps,
  trx: Trx,
  engagement: EngagementRow,
): Promise<LadderContext> {
  const settings = deps.escalations ?? DEFAULT_ESCALATION_SETTINGS;
  const path = engagement.escalation_path;
  const people = [...path.level1, ...path.level2, ...path.level3, ...engagement.sponsor_ids];
  const zones = await findSlackUsers(trx, engagement.team_id, people);
  return {
    path,
    sponsorIds: engagement.sponsor_ids,
    slas: settings.slas,
    workingHours: settings.workingHours,
    zoneOf: (userId) => zones.get(userId)?.timeZone ?? FALLBACK_TIME_ZONE,
  };
}

const secondsUntil = (at: Date, now: Date) => Math.max(0, (at.getTime() - now.getTime()) / 1000);

/**
 * A level reached: its DMs (each a keyed, delivered-once job, held to the recipient's working
 * hours unless critical), the due moment of its SLA (a job keyed by escalation and step), and
 * App Home refreshed for those it now waits on.
 */
async function deliverArrival(
  change: Change,
  escalationId: string,
  arrival: Arrival,
  step: number,
): Promise<void> {
  const { teamId, now } = change;
  for (const d of arrival.deliveries) {
    const wait = secondsUntil(d.deliverAt, now);
    await change.enqueue(
      JOB.sendGovernanceDm,
      { teamId, subject: 'escalation', id: escalationId, userId: d.userId },
      {
        key: `escalation:${escalationId}:${step}:${d.userId}`,
        ...(wait > 0 ? { startAfter: wait } : {}),
      },
    );
  }
  await change.enqueue(
    JOB.escalationDue,
    { teamId, escalationId, step },
    { key: `${escalationId}:${step}`, startAfter: Math.max(1, secondsUntil(arrival.dueAt, now)) },
  );
  await refreshHomes(
    change,
    arrival.deliveries.map((d) => d.userId),
  );
}

export async function refreshHomes(change: Change, userIds: readonly string[]): Promise<void> {
  for (const userId of new Set(userIds)) {
    await change.enqueue(
      JOB.publishHome,
      { teamId: change.teamId, userId },
      { key: `home:${userId}` },
    );
  }
}

/**
 * Opens an escalation inside a change (the engagement locked): ES-n at the first level of the
 * path, recorded as `escalation.raised`, its DMs and its first due moment enqueued.
 */
export async function openEscalationIn(
  deps: ServiceDeps,
  change: Change,
  engagement: EngagementRow,
  draft: EscalationDraft & { riskRef?: string },
  formId?: string,
): Promise<EscalationRow> {
  const ref = await nextRef(change.trx, engagement, 'ES');
  const ctx = await ladderContext(deps, change.trx, engagement);
  const arrival = openEscalation(draft.severity, ctx, change.now);
  const reached = arrival.deliveries.map((d) => d.userId);
  const row = await insertEscalation(change.trx, {
    team_id: change.teamId,
    engagement_id: engagement.id,
    ref,
    category: draft.category,
    severity: draft.severity,
    needed: draft.needed,
    by_when: draft.byWhen,
    state: 'open',
    level: arrival.level,
    step: 0,
    level_since: change.now,
    due_at: arrival.dueAt,
    reached_ids: reached,
    risk_ref: draft.riskRef ?? null,
    form_id: formId ?? null,
    raised_by: change.actor.userId,
    raised_at: change.now,
    updated_at: change.now,
  });
  await change.record({
    engagementId: engagement.id,
    kind: 'escalation.raised',
    subjectRef: ref,
    summary: `Escalation ${ref} (${draft.severity}, ${draft.category}) raised to level ${arrival.level}${draft.riskRef ? ` for risk ${draft.riskRef}` : ''}.`,
    details: {
      ref,
      category: draft.category,
      severity: draft.severity,
      needed: draft.needed,
      byWhen: draft.byWhen,
      level: arrival.level,
      recipients: reached,
      dueAt: arrival.dueAt.toISOString(),
      ...(draft.riskRef ? { riskRef: draft.riskRef } : {}),
    },
    capability: 'raise_risk',
  });
  await deliverArrival(change, row.id, arrival, 0);
  return row;
}

/** `/amos escalate`: the escalation modal submitted. A double submission finds the first. */
export async function raiseEscalation(
  deps: ServiceDeps,
  request: RaiseTarget & { input: EscalationInput },
) {
  return runChange(deps, request.teamId, request.userId, async (change) => {
    const engagement = await resolveAndLock(change, request);
    await assertMayRaise(change, engagement);
    const slug = engagement.slug;
    if (request.formId) {
      const earlier = await findByForm(change.trx, change.teamId, 'escalation', request.formId);
      if (earlier) return { ref: earlier.ref, level: 0, repeated: true, slug };
    }
    const draft = check(validateEscalation(request.input, earliestToday(change.now)));
    const row = await openEscalationIn(deps, change, engagement, draft, request.formId);
    return { ref: row.ref, level: row.level, repeated: false, slug };
  });
}

/** What a press of Acknowledge or Resolve did. */
export interface EscalationActed {
  readonly ref: string;
  readonly escalationId: string;
  readonly state: EscalationRow['state'];
  readonly slug: string;
}

/**
 * Acknowledge or Resolve, from the DM's buttons: only someone it reached, with a governing role.
 * Recorded; every copy of its DMs re-rendered in place; an acknowledged or resolved escalation
 * no longer climbs (its due moment finds it so).
 */
export async function actOnEscalationById(
  deps: ServiceDeps,
  request: { teamId: string; userId: string; escalationId: string; action: EscalationAction },
): Promise<EscalationActed> {
  return runChange(deps, request.teamId, request.userId, async (change) => {
    const peek = await findEscalation(change.trx, change.teamId, request.escalationId);
    if (!peek) return notFound('That escalation does not exist in this workspace.');
    const engagement = await lockEngagementRow(change, peek.engagement_id);
    const escalation = await lockEscalation(change.trx, change.teamId, peek.id);
    if (!escalation) return notFound('That escalation does not exist in this workspace.');
    const acted = check(
      actOnEscalation(
        { ref: escalation.ref, state: escalation.state, raisedBy: escalation.raised_by },
        request.action,
        change.actor,
        escalation.reached_ids,
      ),
    );
    await updateEscalation(change.trx, escalation, {
      state: acted.to,
      acted_by: change.actor.userId,
      acted_at: change.now,
      now: change.now,
    });
    await change.record({
      engagementId: engagement.id,
      kind: acted.kind,
      subjectRef: escalation.ref,
      summary: acted.summary,
      details: { ref: escalation.ref, level: escalation.level, step: escalation.step },
    });
    await copiesMoved(change, 'escalation', escalation.id);
    await refreshHomes(change, escalation.reached_ids);
    return {
      ref: escalation.ref,
      escalationId: escalation.id,
      state: acted.to,
      slug: engagement.slug,
    };
  });
}

/** Every copy of a risk's or escalation's DMs re-rendered from the latest committed state. */
export async function copiesMoved(
  change: Change,
  subject: 'risk' | 'escalation',
  id: string,
): Promise<void> {
  await change.enqueue(
    JOB.updateGovernanceCopies,
    { teamId: change.teamId, subject, id },
    { key: `${subject}:${id}` },
  );
}

export type DueOutcome =
  | { kind: 'stays' | 'gone' | 'stale' }
  | { kind: 'waits'; seconds: number }
  | { kind: 'moved'; ref: string; to: number; repeat: boolean };

/**
 * An escalation's due moment (step `step`): the ladder decides. Not acknowledged in time, it
 * moves to the next level (or repeats to the last, sponsors told), recorded as the system, with
 * its DMs and the next due moment in the same change. A due moment of an earlier step (already
 * moved) or of an acknowledged or resolved escalation changes nothing; one that came early
 * (clocks differ) says how long to wait.
 */
export async function escalationDue(
  deps: ServiceDeps,
  request: { teamId: string; escalationId: string; step: number },
): Promise<DueOutcome> {
  return runChange(deps, request.teamId, LADDER_ACTOR, async (change) => {
    const peek = await findEscalation(change.trx, change.teamId, request.escalationId);
    if (!peek) return { kind: 'gone' as const };
    const engagement = await lockEngagementRow(change, peek.engagement_id);
    const escalation = await lockEscalation(change.trx, change.teamId, peek.id);
    if (!escalation) return { kind: 'gone' as const };
    if (escalation.step !== request.step) return { kind: 'stale' as const };
    // A completed or terminated engagement has no one left to escalate to.
    if (isFinalStage(engagement.stage as Stage)) return { kind: 'stays' as const };
    const ctx = await ladderContext(deps, change.trx, engagement);
    const step = climb(
      {
        ref: escalation.ref,
        severity: escalation.severity,
        state: escalation.state,
        level: escalation.level,
        levelSince: escalation.level_since,
        dueAt: escalation.due_at,
        step: escalation.step,
      },
      ctx,
      change.now,
    );
    if (step.kind === 'stays') return { kind: 'stays' as const };
    if (step.kind === 'waits') {
      return { kind: 'waits' as const, seconds: Math.max(1, secondsUntil(step.dueAt, change.now)) };
    }
    const reached = [
      ...new Set([...escalation.reached_ids, ...step.arrival.deliveries.map((d) => d.userId)]),
    ];
    await updateEscalation(change.trx, escalation, {
      level: step.to,
      step: step.step,
      level_since: change.now,
      due_at: step.arrival.dueAt,
      reached_ids: reached,
      now: change.now,
    });
    await change.record({
      engagementId: engagement.id,
      kind: step.record.kind,
      subjectRef: escalation.ref,
      summary: step.record.summary,
      details: step.record.details,
      role: 'system',
    });
    await deliverArrival(change, escalation.id, step.arrival, step.step);
    // The earlier levels' copies now show where it went.
    await copiesMoved(change, 'escalation', escalation.id);
    return { kind: 'moved' as const, ref: escalation.ref, to: step.to, repeat: step.repeat };
  });
}

/**
 * How long a DM about a risk or an escalation of `severity` waits before it may reach `userId`:
 * nothing when critical or working hours are off; otherwise until the next working moment in
 * their own zone (read from Slack with `fetchZone` when not cached, then cached; a read that
 * failed is thrown on, never cached).
 */
export async function secondsUntilWorkingHours(
  deps: ServiceDeps,
  request: { teamId: string; userId: string; severity: string },
  fetchZone: FetchTimeZone,
): Promise<number> {
  const hours = (deps.escalations ?? DEFAULT_ESCALATION_SETTINGS).workingHours;
  if (request.severity === 'critical' || hours === 'off') return 0;
  const now = deps.clock.now();
  const cached = (await findSlackUsers(deps.db, request.teamId, [request.userId])).get(
    request.userId,
  );
  let zone = cached?.timeZone ?? null;
  if (!cached || now.getTime() - cached.fetchedAt.getTime() > PROFILE_MAX_AGE_MS) {
    // A failed read is thrown on (the job retries, as for any Slack call): caching it as "no
    // zone" would put them in UTC for a week. `fetchZone` answers null when Slack cannot tell.
    zone = await fetchZone(request.teamId, request.userId);
    await rememberUserProfile(deps, {
      teamId: request.teamId,
      userId: request.userId,
      timeZone: zone,
    });
  }
  return secondsUntil(nextWorkingMoment(now, knownTimeZone(zone), hours), now);
}
