import { nextRef } from '../db/engagement-repository.js';
import {
  findByForm,
  findRisk,
  insertRisk,
  lockRisk,
  lockRiskByRef,
  setRiskState,
} from '../db/risk-repository.js';
import { engagementLabel } from '../domain/engagement.js';
import { normalizeRef } from '../domain/refs.js';
import {
  moveRisk,
  opensEscalation,
  type RiskInput,
  type RiskMove,
  validateRisk,
} from '../domain/risk.js';
import { type Change, check, notFound, runChange, type ServiceDeps } from './change.js';
import { lockEngagementRow, resolveAndLock } from './engagement-lifecycle-service.js';
import {
  assertMayRaise,
  copiesMoved,
  openEscalationIn,
  type RaiseTarget,
  refreshHomes,
} from './escalation-service.js';
import { JOB } from './follow-up.js';

/** What raising a risk did. */
export interface RiskRaised {
  readonly ref: string;
  readonly severity: string;
  readonly slug: string;
  /** The escalation a high or critical risk opened. */
  readonly escalationRef: string | null;
  /** True when this was a second submission of the same modal (nothing new raised). */
  readonly repeated: boolean;
}

/**
 * A partner (active, charter acknowledged) or an operator raises a risk: RK-n recorded as
 * `risk.raised`, DMed to the engagement's internal audience (its operator and sponsors, never
 * only the partner channel) as jobs; a high or critical one opens an escalation in the same
 * change. A double submission of the same modal returns the first.
 */
export async function raiseRisk(
  deps: ServiceDeps,
  request: RaiseTarget & { input: RiskInput },
): Promise<RiskRaised> {
  return runChange(deps, request.teamId, request.userId, async (change) => {
    const engagement = await resolveAndLock(change, request);
    await assertMayRaise(change, engagement);
    if (request.formId) {
      const earlier = await findByForm(change.trx, change.teamId, 'risk', request.formId);
      if (earlier) {
        return {
          ref: earlier.ref,
          severity: '',
          slug: engagement.slug,
          escalationRef: null,
          repeated: true,
        };
      }
    }
    const draft = check(validateRisk(request.input));
    const ref = await nextRef(change.trx, engagement, 'RK');
    const risk = await insertRisk(change.trx, {
      team_id: change.teamId,
      engagement_id: engagement.id,
      ref,
      title: draft.title,
      category: draft.category,
      severity: draft.severity,
      description: draft.description,
      mitigation: draft.mitigation,
      message_link: draft.messageLink,
      state: 'open',
      owner_id: engagement.operator_id,
      form_id: request.formId ?? null,
      raised_by: change.actor.userId,
      raised_at: change.now,
      updated_at: change.now,
    });
    await change.record({
      engagementId: engagement.id,
      kind: 'risk.raised',
      subjectRef: ref,
      summary: `Risk ${ref} (${draft.severity}, ${draft.category}) raised: ${draft.title}.`,
      details: { ref, ...draft, owner: engagement.operator_id },
      capability: 'raise_risk',
    });
    const audience = [engagement.operator_id, ...engagement.sponsor_ids].filter(
      (id) => id !== change.actor.userId,
    );
    for (const userId of new Set(audience)) {
      await change.enqueue(
        JOB.sendGovernanceDm,
        { teamId: change.teamId, subject: 'risk', id: risk.id, userId },
        { key: `risk:${risk.id}:${userId}` },
      );
    }
    await refreshHomes(change, [engagement.operator_id, ...engagement.sponsor_ids]);
    let escalationRef: string | null = null;
    if (opensEscalation(draft.severity)) {
      const escalation = await openEscalationIn(deps, change, engagement, {
        category: 'risk',
        severity: draft.severity,
        needed: `Risk ${ref}: ${draft.title}`,
        byWhen: null,
        riskRef: ref,
      });
      await setRiskState(change.trx, risk, {
        state: 'open',
        by: change.actor.userId,
        now: change.now,
        escalationId: escalation.id,
      });
      escalationRef = escalation.ref;
    }
    return { ref, severity: draft.severity, slug: engagement.slug, escalationRef, repeated: false };
  });
}

async function applyMove(
  change: Change,
  risk: NonNullable<Awaited<ReturnType<typeof lockRisk>>>,
  move: RiskMove,
  slug: string,
) {
  const moved = check(
    moveRisk(
      { ref: risk.ref, state: risk.state, raisedBy: risk.raised_by, ownerId: risk.owner_id },
      move,
      change.actor,
    ),
  );
  await setRiskState(change.trx, risk, {
    state: moved.to,
    by: change.actor.userId,
    now: change.now,
  });
  await change.record({
    engagementId: risk.engagement_id,
    kind: moved.kind,
    subjectRef: risk.ref,
    summary: moved.summary,
    details: { ref: risk.ref, from: moved.from, to: moved.to },
  });
  await copiesMoved(change, 'risk', risk.id);
  await refreshHomes(change, [risk.owner_id, change.actor.userId]);
  return { ref: risk.ref, state: moved.to, slug, riskId: risk.id };
}

/** `/amos risk [slug] RK-n ack|mitigated|closed`: the owner or an executive moves it, recorded. */
export async function moveRiskByRef(
  deps: ServiceDeps,
  request: RaiseTarget & { ref: string; move: RiskMove },
) {
  return runChange(deps, request.teamId, request.userId, async (change) => {
    const engagement = await resolveAndLock(change, request);
    const ref = normalizeRef(request.ref) ?? request.ref;
    const risk = await lockRiskByRef(change.trx, change.teamId, engagement.id, ref);
    if (!risk) return notFound(`${engagementLabel(engagement.slug)} has no risk ${ref}.`);
    return applyMove(change, risk, request.move, engagement.slug);
  });
}

/** The same move from a button on a risk's DM (its value names the risk). */
export async function moveRiskById(
  deps: ServiceDeps,
  request: { teamId: string; userId: string; riskId: string; move: RiskMove },
) {
  return runChange(deps, request.teamId, request.userId, async (change) => {
    const peek = await findRisk(change.trx, change.teamId, request.riskId);
    if (!peek) return notFound('That risk does not exist in this workspace.');
    const engagement = await lockEngagementRow(change, peek.engagement_id);
    const risk = await lockRisk(change.trx, change.teamId, peek.id);
    if (!risk) return notFound('That risk does not exist in this workspace.');
    return applyMove(change, risk, request.move, engagement.slug);
  });
}
