import { nextRef } from '../db/engagement-repository.js';
import {
  findDeliverableVersion,
  findScopeVersion,
  insertDeliverable,
  insertDeliverableVersion,
  listDeliverables,
  lockDeliverableByRef,
  markScopeItemDone,
  saveReview,
  setDeliverableState,
  toDeliverableFacts,
} from '../db/governed-delivery-repository.js';
import { checkDeliverable, reviewAgainstCriteria, reviewAllowedIn } from '../domain/deliverable.js';
import { engagementLabel, type Stage } from '../domain/engagement.js';
import { DomainRefusal, refuse } from '../domain/errors.js';
import { normalizeRef } from '../domain/refs.js';
import { itemInScope } from '../domain/scope-version.js';
import { check, notFound, runChange, type ServiceDeps } from './change.js';
import { assertPartnerMayAct } from './charter-service.js';
import { resolveAndLock, resolveEngagement } from './engagement-lifecycle-service.js';
import { homesChanged } from './follow-up.js';
import { actorWith } from './read-access.js';

interface Target {
  teamId: string;
  userId: string;
  slug?: string | undefined;
  channelId?: string | undefined;
}

/**
 * A partner submits a deliverable for one scope item of the current approved scope version:
 * a documentation link (https) and an outcome summary. A new DL-n, or the next version of the
 * item's returned deliverable. Recorded as `deliverable.submitted`.
 */
export async function submitDeliverable(
  deps: ServiceDeps,
  request: Target & { scopeRef?: string; link?: string; summary?: string },
) {
  return runChange(deps, request.teamId, request.userId, async (change) => {
    const engagement = await resolveAndLock(change, request);
    await change.authorize('partner_act');
    await assertPartnerMayAct(change.trx, change.teamId, engagement, change.actor.userId);
    const scope = await findScopeVersion(change.trx, change.teamId, engagement.id);
    if (!scope) return notFound(`${engagementLabel(engagement.slug)} has no approved scope.`);
    const existing = await listDeliverables(change.trx, change.teamId, engagement.id);
    const { draft, resubmits } = check(
      checkDeliverable(scope, existing.map(toDeliverableFacts), {
        scopeRef: normalizeRef(request.scopeRef ?? '') ?? request.scopeRef ?? '',
        ...(request.link !== undefined ? { link: request.link } : {}),
        ...(request.summary !== undefined ? { summary: request.summary } : {}),
      }),
    );
    let ref: string;
    let version: number;
    let deliverableId: string;
    if (resubmits) {
      const row = existing.find((d) => d.ref === resubmits.ref);
      if (!row) return notFound(`${resubmits.ref} no longer exists.`);
      ref = row.ref;
      version = row.version + 1;
      deliverableId = row.id;
      await setDeliverableState(change.trx, row, { status: 'waiting', version, now: change.now });
    } else {
      ref = await nextRef(change.trx, engagement, 'DL');
      version = 1;
      const row = await insertDeliverable(change.trx, {
        teamId: change.teamId,
        engagementId: engagement.id,
        ref,
        scopeRef: draft.scopeRef,
        now: change.now,
      });
      deliverableId = row.id;
    }
    await insertDeliverableVersion(change.trx, {
      teamId: change.teamId,
      deliverableId,
      version,
      link: draft.link,
      summary: draft.summary,
      by: change.actor.userId,
      now: change.now,
    });
    await change.record({
      engagementId: engagement.id,
      kind: 'deliverable.submitted',
      subjectRef: ref,
      summary: `Deliverable ${ref}${version > 1 ? ` (version ${version})` : ''} for ${draft.scopeRef} submitted for review.`,
      details: {
        ref,
        version,
        scopeRef: draft.scopeRef,
        link: draft.link,
        summary: draft.summary,
        scopeVersion: scope.version,
      },
      capability: 'partner_act',
    });
    // It now waits on its reviewers' App Home.
    await homesChanged(change, [engagement.operator_id, ...engagement.sponsor_ids]);
    return {
      ref,
      version,
      scopeRef: draft.scopeRef,
      engagement: { id: engagement.id, slug: engagement.slug },
    };
  });
}

/** The criteria a waiting deliverable is reviewed against (read only, for the review modal). */
export async function deliverableForReview(deps: ServiceDeps, request: Target & { ref: string }) {
  await actorWith(deps, request.teamId, request.userId, 'review_deliverables');
  const engagement = await resolveEngagement(
    deps.db,
    request.teamId,
    request.slug,
    request.channelId,
  );
  const ref = normalizeRef(request.ref) ?? request.ref;
  const rows = await listDeliverables(deps.db, request.teamId, engagement.id);
  const row = rows.find((d) => d.ref === ref);
  if (!row) return notFound(`${engagementLabel(engagement.slug)} has no deliverable ${ref}.`);
  const scope = await findScopeVersion(deps.db, request.teamId, engagement.id);
  const item = scope ? itemInScope(scope, row.scope_ref) : undefined;
  if (row.status !== 'waiting') {
    throw new DomainRefusal(
      refuse('already_decided', `${ref} was already ${row.status}; it waits for no review now.`)
        .refusal,
    );
  }
  const version = await findDeliverableVersion(deps.db, request.teamId, row.id, row.version);
  return {
    engagement: { id: engagement.id, slug: engagement.slug },
    ref,
    link: version?.link ?? '',
    summary: version?.summary ?? '',
    status: row.status,
    version: row.version,
    scopeRef: row.scope_ref,
    criteria: item?.criteria ?? [],
  };
}

/**
 * An operator or executive reviews a waiting deliverable against each acceptance criterion of
 * its item: accepted only when all are met (the item is then done), otherwise returned naming
 * the unmet criteria with their notes. One criterion result row each; `deliverable.accepted` or
 * `deliverable.returned` recorded.
 */
export async function reviewDeliverable(
  deps: ServiceDeps,
  request: Target & {
    ref: string;
    answers: readonly ({ met?: boolean | undefined; note?: string | undefined } | undefined)[];
  },
) {
  return runChange(deps, request.teamId, request.userId, async (change) => {
    await change.authorize('review_deliverables');
    const engagement = await resolveAndLock(change, request);
    const ref = normalizeRef(request.ref) ?? request.ref;
    const row = await lockDeliverableByRef(change.trx, change.teamId, engagement.id, ref);
    if (!row) return notFound(`${engagementLabel(engagement.slug)} has no deliverable ${ref}.`);
    check(reviewAllowedIn(engagement.stage as Stage, ref, engagementLabel(engagement.slug)));
    if (row.status !== 'waiting') {
      throw new DomainRefusal(
        refuse('already_decided', `${ref} was already ${row.status}; it waits for no review now.`)
          .refusal,
      );
    }
    const scope = await findScopeVersion(change.trx, change.teamId, engagement.id);
    const item = scope ? itemInScope(scope, row.scope_ref) : undefined;
    if (!item) return notFound(`${row.scope_ref} is no longer in the approved scope.`);
    const verdict = check(reviewAgainstCriteria(ref, item.criteria, request.answers));
    await saveReview(change.trx, {
      teamId: change.teamId,
      deliverableId: row.id,
      version: row.version,
      verdict: verdict.verdict,
      results: verdict.results,
      by: change.actor.userId,
      now: change.now,
    });
    await setDeliverableState(change.trx, row, {
      status: verdict.verdict,
      version: row.version,
      now: change.now,
    });
    if (verdict.verdict === 'accepted') {
      await markScopeItemDone(change.trx, {
        teamId: change.teamId,
        engagementId: engagement.id,
        scopeRef: row.scope_ref,
        doneByRef: ref,
        now: change.now,
      });
    }
    await change.record({
      engagementId: engagement.id,
      kind: `deliverable.${verdict.verdict}`,
      subjectRef: ref,
      summary: verdict.summary,
      details: {
        ref,
        version: row.version,
        scopeRef: row.scope_ref,
        verdict: verdict.verdict,
        results: verdict.results,
        unmet: verdict.unmet.map((u) => u.criterion),
      },
      capability: 'review_deliverables',
    });
    await homesChanged(change, [engagement.operator_id, ...engagement.sponsor_ids]);
    return {
      ref,
      version: row.version,
      scopeRef: row.scope_ref,
      ...verdict,
      engagement: { id: engagement.id, slug: engagement.slug },
    };
  });
}

/**
 * What the deliverable form offers, after the partner check (read only): the items of the
 * current approved scope version that are not done and have no deliverable waiting.
 */
export async function deliverableForm(deps: ServiceDeps, target: Target) {
  const engagement = await resolveEngagement(deps.db, target.teamId, target.slug, target.channelId);
  await actorWith(deps, target.teamId, target.userId, 'partner_act');
  await assertPartnerMayAct(deps.db, target.teamId, engagement, target.userId);
  const scope = await findScopeVersion(deps.db, target.teamId, engagement.id);
  if (!scope) return notFound(`${engagementLabel(engagement.slug)} has no approved scope.`);
  const deliverables = await listDeliverables(deps.db, target.teamId, engagement.id);
  const busy = new Set(deliverables.filter((d) => d.status !== 'returned').map((d) => d.scope_ref));
  const open = scope.items.filter((i) => !busy.has(i.ref));
  if (open.length === 0) {
    return notFound(
      `Every scope item of ${engagementLabel(engagement.slug)} is done or waiting for review.`,
    );
  }
  return { engagement: { id: engagement.id, slug: engagement.slug }, scope, open };
}
