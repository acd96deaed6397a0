import {
  type ApprovalRequestRow,
  findApprovalRequestsByRef,
  findApprovalWithEngagement,
  lockApprovalForVote,
  saveApprovalVotes,
  toApprovalRequest,
} from '../db/approval-repository.js';
import type { Db, Trx } from '../db/database.js';
import { findEngagementByChannel } from '../db/engagement-repository.js';
import {
  type ApprovalSubject,
  isApprovalSubject,
  subjectOfRef,
  voteOnSubject,
} from '../domain/approval-subjects.js';
import { castVote, type VoteDecision } from '../domain/approvals.js';
import { engagementLabel, type Stage } from '../domain/engagement.js';
import { DomainRefusal, refuse } from '../domain/errors.js';
import { normalizeRef, parseRef, REF_KIND_LABELS } from '../domain/refs.js';
import { checkRequirementsVotable } from '../domain/scope.js';
import { type Change, check, notFound, runChange, type ServiceDeps } from './change.js';
import { amendScopeFromChangeRequest } from './change-request-service.js';
import {
  applyTransition,
  type LockedEngagement,
  lockWithFacts,
  resolveEngagement,
} from './engagement-lifecycle-service.js';
import { approvalMoved } from './follow-up.js';
import { cancelApprovalReminders } from './scheduler-service.js';
import { passStage, stageWaitingDeliverables } from './stage-review-service.js';

/** Which request a decision is about: its id (buttons), or its ref with an optional slug (commands). */
export type ApprovalTarget =
  | { readonly approvalRequestId: string }
  | {
      readonly ref: string;
      readonly slug?: string | undefined;
      readonly channelId?: string | undefined;
    };

export type DecideRequest = ApprovalTarget & {
  readonly teamId: string;
  readonly userId: string;
  readonly decision: VoteDecision;
  readonly note?: string | undefined;
};

/** What a decision did. `already_decided` / `already_voted` changed nothing and are not errors. */
export type DecideOutcome =
  | {
      readonly kind: 'voted';
      readonly approvalRequestId: string;
      readonly ref: string;
      readonly slug: string;
      readonly subject: ApprovalSubject;
      readonly decision: VoteDecision;
      readonly status: ApprovalRequestRow['status'];
      /** True when this vote decided the request. */
      readonly completed: boolean;
      readonly approvals: number;
      readonly requiredApprovals: number;
      /** The engagement's stage after the vote (moves to execution_approved when EX-n passes). */
      readonly stage: Stage;
    }
  | {
      readonly kind: 'already_decided' | 'already_voted';
      readonly approvalRequestId: string;
      readonly ref: string;
      readonly slug: string;
      readonly message: string;
    };

/**
 * The one way to approve or reject (command, button, modal). In one transaction: finds the
 * request and answers at once, without waiting on anyone, a vote that can change nothing (the
 * request already decided, this person already voted or may not vote on it: votes are only
 * ever added, so an answer read before the lock stays true). Only then locks the engagement row
 * (so concurrent votes serialise) with the request re-read in the same statement, casts the
 * vote in the domain (executives only, separation of duties, one vote each, nothing after the
 * decision), stores it, records it and, when execution requirements pass, moves the engagement
 * to execution_approved through the lifecycle gate (the engagement's facts are read, under the
 * lock, only by the vote that decides). The locked part is a handful of statements: the lock,
 * the update, the record, the follow-up job, the commit; no Slack call runs in it.
 */
export async function decide(deps: ServiceDeps, request: DecideRequest): Promise<DecideOutcome> {
  const { teamId, userId, decision, note } = request;
  return runChange(deps, teamId, userId, async (change) => {
    await change.authorize('approve');
    const target = await findTarget(change.trx, teamId, request);
    const early = castVote(toApprovalRequest(target.row), change.actor, decision, note, change.now);
    if (
      !early.ok &&
      (early.refusal.code === 'already_decided' || early.refusal.code === 'already_voted')
    ) {
      const { code, message } = early.refusal;
      return {
        kind: code,
        approvalRequestId: target.row.id,
        ref: target.row.ref,
        slug: target.slug,
        message,
      };
    }
    if (!early.ok && early.refusal.code !== 'wrong_stage') throw new DomainRefusal(early.refusal);

    const locked = await lockApprovalForVote(
      change.trx,
      teamId,
      target.row.engagement_id,
      target.row.id,
    );
    if (!locked) return notFound('That approval request no longer exists in this workspace.');
    const { request: row, slug } = locked;
    const engagement = { slug, stage: locked.stage as Stage };
    const base = { approvalRequestId: row.id, ref: row.ref, slug };
    const subject = subjectOf(row);
    const current = toApprovalRequest(row);
    if (subject === 'execution_requirements' && current.status === 'pending') {
      check(checkRequirementsVotable(engagement, row.ref));
    }
    const effects = SUBJECT_EFFECTS[subject];
    const voted = voteOnSubject({
      subject,
      request: current,
      engagement,
      actor: change.actor,
      decision,
      note,
      now: change.now,
      waitingDeliverables:
        current.status === 'pending' && effects.waitingDeliverables
          ? await effects.waitingDeliverables(change, row)
          : [],
    });
    if (!voted.ok) {
      const { code, message } = voted.refusal;
      if (code === 'already_decided' || code === 'already_voted')
        return { kind: code, ...base, message };
      throw new DomainRefusal(voted.refusal);
    }
    const outcome = voted.value;
    await saveApprovalVotes(change.trx, row, outcome.request, change.now);
    await change.record({
      engagementId: row.engagement_id,
      kind: outcome.record.kind,
      subjectRef: row.ref,
      summary: outcome.record.summary,
      details: { ...outcome.record.details, subject: row.subject, approvalRequestId: row.id },
      capability: 'approve',
    });
    let stage = engagement.stage;
    if (outcome.effect !== 'none') {
      // The deciding vote: the engagement (already locked) and its facts, for the gate.
      const facts = await lockWithFacts(change, row.engagement_id);
      if (outcome.effect === 'approve_execution') {
        const applied = await applyTransition(
          change,
          decidedOn(facts, row),
          'approve_execution',
          { approval: outcome.request, ...(note ? { note } : {}) },
          deps.admins,
        );
        stage = applied.outcome.to;
      } else if (outcome.effect === 'amend_scope') {
        await amendScopeFromChangeRequest(change, facts.engagement, row, deps.reminders);
      } else if (outcome.effect === 'pass_stage') {
        await passStage(change, facts.engagement, row);
      }
    }
    if (outcome.completed) {
      await cancelApprovalReminders(change.trx, change.teamId, row.id, change.now, outcome.status);
    }
    await approvalMoved(change, {
      approvalRequestId: row.id,
      decided: outcome.completed,
      voterId: change.actor.userId,
    });
    const approvals = outcome.record.details.approvals;
    return {
      kind: 'voted',
      ...base,
      subject,
      decision,
      status: outcome.status,
      completed: outcome.completed,
      approvals: typeof approvals === 'number' ? approvals : 0,
      requiredApprovals: row.required_approvals,
      stage,
    };
  });
}

/** Per subject, what the vote path must load before voting (the registry holds the rules). */
const SUBJECT_EFFECTS: Readonly<
  Record<
    ApprovalSubject,
    { waitingDeliverables?: (change: Change, row: ApprovalRequestRow) => Promise<string[]> }
  >
> = {
  execution_requirements: {},
  change_request: {},
  stage_review: { waitingDeliverables: stageWaitingDeliverables },
};

function subjectOf(row: ApprovalRequestRow): ApprovalSubject {
  if (isApprovalSubject(row.subject)) return row.subject;
  throw new Error(`Approval request ${row.id} has an unknown subject.`);
}

/** The facts the gate re-checks, with the requirements being those of the request just decided. */
function decidedOn(locked: LockedEngagement, row: ApprovalRequestRow): LockedEngagement {
  const authorIds = [
    ...new Set([...(locked.facts.requirements?.authorIds ?? []), ...row.requester_ids]),
  ];
  return { ...locked, facts: { ...locked.facts, requirements: { ref: row.ref, authorIds } } };
}

async function findTarget(
  trx: Trx,
  teamId: string,
  target: ApprovalTarget & { decision?: VoteDecision; note?: string | undefined },
): Promise<{ row: ApprovalRequestRow; slug: string }> {
  if ('approvalRequestId' in target) {
    const found =
      (await findApprovalWithEngagement(trx, teamId, target.approvalRequestId)) ??
      notFound('That approval request no longer exists in this workspace.');
    return { row: found.request, slug: found.engagement.slug };
  }
  const { slug, ...row } = await resolveApprovalRef(trx, teamId, target);
  return { row, slug };
}

/**
 * Finds the request a typed ref means: in the slug's engagement when given, else in the partner
 * channel's engagement, else the only pending one with that ref in the workspace (or the only
 * one at all). Ambiguity is refused with every candidate and the exact command to type.
 */
export async function resolveApprovalRef(
  db: Db | Trx,
  teamId: string,
  target: {
    ref: string;
    slug?: string | undefined;
    channelId?: string | undefined;
    decision?: VoteDecision;
    note?: string | undefined;
  },
): Promise<ApprovalRequestRow & { slug: string }> {
  const ref = normalizeRef(target.ref);
  const verb = target.decision ?? 'approve';
  if (!ref) {
    return invalid(
      `\`${target.ref}\` is not a reference I know. Use the one from the request, e.g. \`/amos ${verb} EX-1\`; \`/amos approve\` lists what waits on you.`,
    );
  }
  const kind = parseRef(ref)?.kind;
  if (!subjectOfRef(ref)) {
    return invalid(
      `${ref} is a ${kind ? REF_KIND_LABELS[kind] : 'reference'}, which is not approved on its own: executives approve execution requirements (EX-n), change requests (CR-n) and stage reviews (SR-n). \`/amos approve\` lists what waits on you.`,
    );
  }
  if (target.slug) {
    const engagement = await resolveEngagement(db, teamId, target.slug);
    const [found] = await findApprovalRequestsByRef(db, teamId, ref, engagement.id);
    return (
      found ??
      notFound(
        `${engagementLabel(engagement.slug)} has no ${ref}. \`/amos approve\` lists what waits on you.`,
      )
    );
  }
  if (target.channelId) {
    const engagement = await findEngagementByChannel(db, teamId, target.channelId);
    if (engagement) {
      const [found] = await findApprovalRequestsByRef(db, teamId, ref, engagement.id);
      if (found) return found;
    }
  }
  const all = await findApprovalRequestsByRef(db, teamId, ref);
  const pending = all.filter((r) => r.status === 'pending');
  const candidates = pending.length > 0 ? pending : all;
  const [only] = candidates;
  if (candidates.length === 1 && only) return only;
  if (candidates.length === 0) {
    return notFound(
      `There is no ${ref} in this workspace. \`/amos approve\` lists what waits on you.`,
    );
  }
  const rest = target.note ? ` ${target.note}` : verb === 'reject' ? ' <reason>' : '';
  throw new DomainRefusal(
    refuse(
      'invalid_input',
      `${ref} exists in ${candidates.length} engagements${pending.length > 0 ? ' waiting for a decision' : ''}: say which one by adding its slug.`,
      candidates.map(
        (c) => `${engagementLabel(c.slug)}: \`/amos ${verb} ${c.slug} ${ref}${rest}\``,
      ),
    ).refusal,
  );
}

function invalid(message: string): never {
  throw new DomainRefusal(refuse('invalid_input', message).refusal);
}
