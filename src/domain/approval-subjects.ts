import {
  type ApprovalRequest,
  castVote,
  type VoteDecision,
  type VoteOutcome,
} from './approvals.js';
import { engagementLabel, isFinalStage, STAGE_LABELS, type Stage } from './engagement.js';
import { ok, type Result, refuse } from './errors.js';
import { parseRef, type RefKind } from './refs.js';
import type { Actor } from './roles.js';
import { isPresent, joinAnd } from './text.js';

/** What executives vote on: one N-of-M vote path for all of them (PRODUCT.md sections 2 and 6). */
export const APPROVAL_SUBJECTS = [
  'execution_requirements',
  'change_request',
  'stage_review',
] as const;
export type ApprovalSubject = (typeof APPROVAL_SUBJECTS)[number];

/**
 * What a decided vote does beyond closing the request:
 * `approve_execution` moves the engagement to execution_approved through the lifecycle gate;
 * `amend_scope` writes the change request's amendment as a new scope version;
 * `pass_stage` marks the stage checkpoint passed; `close` changes nothing else.
 */
export type SubjectEffect = 'approve_execution' | 'amend_scope' | 'pass_stage' | 'close';

export interface ApprovalSubjectRule {
  readonly subject: ApprovalSubject;
  readonly refKind: RefKind;
  /** Names the subject in messages: "change request". */
  readonly label: string;
  /** Engagement stages in which a pending request of this subject may be voted on. */
  readonly votableIn: readonly Stage[];
  readonly onApproved: SubjectEffect;
  readonly onRejected: SubjectEffect;
  /** How a rejection reads for this subject. */
  readonly rejectedAs: string;
  /** True when an approving vote must say why while the subject's deliverables wait for review. */
  readonly blockedByWaitingDeliverables: boolean;
}

/** The registry: one row per subject; the vote path itself is `voteOnSubject`. */
export const APPROVAL_SUBJECT_RULES: Readonly<Record<ApprovalSubject, ApprovalSubjectRule>> = {
  execution_requirements: {
    subject: 'execution_requirements',
    refKind: 'EX',
    label: 'execution requirements',
    votableIn: ['outputs_reviewed'],
    onApproved: 'approve_execution',
    onRejected: 'close',
    rejectedAs: 'rejected',
    blockedByWaitingDeliverables: false,
  },
  change_request: {
    subject: 'change_request',
    refKind: 'CR',
    label: 'change request',
    votableIn: ['active', 'paused'],
    onApproved: 'amend_scope',
    onRejected: 'close',
    rejectedAs: 'rejected',
    blockedByWaitingDeliverables: false,
  },
  stage_review: {
    subject: 'stage_review',
    refKind: 'SR',
    label: 'stage review',
    votableIn: ['active', 'paused'],
    onApproved: 'pass_stage',
    onRejected: 'close',
    rejectedAs: 'returned with changes requested',
    blockedByWaitingDeliverables: true,
  },
};

/** True when `value` names an approval subject. */
export function isApprovalSubject(value: string): value is ApprovalSubject {
  return (APPROVAL_SUBJECTS as readonly string[]).includes(value);
}

/** The subject a typed ref is voted on as (EX-n, CR-n, SR-n), or null for any other ref. */
export function subjectOfRef(ref: string): ApprovalSubject | null {
  const kind = parseRef(ref)?.kind;
  const rule = Object.values(APPROVAL_SUBJECT_RULES).find((r) => r.refKind === kind);
  return rule?.subject ?? null;
}

/**
 * How many distinct eligible executives must approve: the engagement's count for this subject
 * when it sets one, else the engagement's approval count (N of M, default 1).
 */
export function requiredApprovalsFor(
  subject: ApprovalSubject,
  engagement: {
    readonly requiredApprovals: number;
    readonly subjectApprovals?: Partial<Record<string, number>>;
  },
): number {
  const own = engagement.subjectApprovals?.[subject];
  return typeof own === 'number' && Number.isSafeInteger(own) && own >= 1
    ? own
    : engagement.requiredApprovals;
}

export interface SubjectVoteInput {
  readonly subject: ApprovalSubject;
  readonly request: ApprovalRequest;
  readonly engagement: { readonly slug: string; readonly stage: Stage };
  readonly actor: Actor;
  readonly decision: VoteDecision;
  readonly note: string | undefined;
  readonly now: Date;
  /** Deliverables (DL-n) of the subject's scope items still waiting for review. */
  readonly waitingDeliverables?: readonly string[];
}

export interface SubjectVoteOutcome extends VoteOutcome {
  /** What to carry out now: the subject's effect once decided, `close` while still pending. */
  readonly effect: SubjectEffect | 'none';
  /** Set when an approver approved past waiting deliverables, with the reason they recorded. */
  readonly override?: { readonly waiting: readonly string[]; readonly reason: string };
}

/**
 * The one vote path for every subject. Guarantees, in order: the engagement's stage allows a
 * vote on the subject; everything `castVote` guarantees (executives only, no requester or author
 * votes, one vote each, nothing after the decision, a rejection needs a reason); an approving
 * vote on a subject with deliverables waiting for review needs the approver's reason. Returns the
 * vote with the effect to carry out.
 */
export function voteOnSubject(input: SubjectVoteInput): Result<SubjectVoteOutcome> {
  const rule = APPROVAL_SUBJECT_RULES[input.subject];
  const { request, engagement } = input;
  if (request.status === 'pending' && !rule.votableIn.includes(engagement.stage)) {
    const name = engagementLabel(engagement.slug);
    const label = STAGE_LABELS[engagement.stage];
    const why = isFinalStage(engagement.stage)
      ? 'which is final'
      : `and a ${rule.label} is decided only while it is ${joinAnd(
          rule.votableIn.map((s) => STAGE_LABELS[s]),
          'or',
        )}`;
    return refuse(
      'wrong_stage',
      `${name} is *${label}*, ${why}: ${request.ref} can't be decided now.`,
    );
  }
  const voted = castVote(request, input.actor, input.decision, input.note, input.now);
  if (!voted.ok) return voted;
  const waiting = rule.blockedByWaitingDeliverables ? (input.waitingDeliverables ?? []) : [];
  let override: SubjectVoteOutcome['override'];
  if (input.decision === 'approve' && waiting.length > 0) {
    if (!isPresent(input.note)) {
      const list = joinAnd([...waiting]);
      return refuse(
        'conflict',
        `${request.ref} can't be approved while ${list} ${waiting.length === 1 ? 'waits' : 'wait'} for review. Review ${waiting.length === 1 ? 'it' : 'them'} first, or approve with the reason it should pass anyway: \`/amos approve ${engagement.slug} ${request.ref} <why>\`.`,
        undefined,
        { reason: `Say why ${request.ref} passes while ${list} waits for review.` },
      );
    }
    override = { waiting, reason: input.note.trim() };
  }
  const outcome = voted.value;
  const effect =
    outcome.status === 'approved'
      ? rule.onApproved
      : outcome.status === 'rejected'
        ? rule.onRejected
        : 'none';
  const details = override
    ? {
        ...outcome.record.details,
        waitingDeliverables: override.waiting,
        overrideReason: override.reason,
      }
    : outcome.record.details;
  return ok({
    ...outcome,
    record: { ...outcome.record, details: { ...details, subject: input.subject } },
    effect,
    ...(override ? { override } : {}),
  });
}
