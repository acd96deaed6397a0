import { ok, type Result, refuse } from './errors.js';
import { type Actor, authorize, checkSeparationOfDuties } from './roles.js';
import { isPresent, REASON_MAX, tooLongMessage } from './text.js';

export type VoteDecision = 'approve' | 'reject';
/** `withdrawn`: closed without a decision because the Diagnostic outputs were sent back. */
export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'withdrawn';

export interface Vote {
  readonly userId: string;
  readonly decision: VoteDecision;
  readonly note?: string;
  readonly at: Date;
}

/** An N-of-M approval of one item (execution requirements EX-n, change request CR-n). */
export interface ApprovalRequest {
  readonly ref: string;
  readonly requiredApprovals: number;
  /** The requester and every author: none of them may vote. */
  readonly requesterIds: readonly string[];
  readonly votes: readonly Vote[];
  readonly status: ApprovalStatus;
}

export interface VoteOutcome {
  readonly request: ApprovalRequest;
  readonly vote: Vote;
  /** True when this vote decided the request (approved or rejected). */
  readonly completed: boolean;
  readonly status: ApprovalStatus;
  readonly record: {
    readonly kind: string;
    readonly summary: string;
    readonly details: Record<string, unknown>;
  };
}

/** A new pending request; refuses `invalid_input` unless requiredApprovals is a positive integer. */
export function openApprovalRequest(
  ref: string,
  requiredApprovals: number,
  requesterIds: readonly string[],
): Result<ApprovalRequest> {
  if (!Number.isSafeInteger(requiredApprovals) || requiredApprovals < 1) {
    return refuse(
      'invalid_input',
      `The number of required approvals must be a whole number of at least 1 (got ${requiredApprovals}).`,
      undefined,
      { required_approvals: 'Use a whole number of at least 1.' },
    );
  }
  return ok({
    ref,
    requiredApprovals,
    requesterIds: [...new Set(requesterIds)],
    votes: [],
    status: 'pending',
  });
}

/** Distinct users who approved and are not requesters or authors, in voting order. */
export function approverIds(request: ApprovalRequest): string[] {
  const ids = request.votes
    .filter((v) => v.decision === 'approve' && !request.requesterIds.includes(v.userId))
    .map((v) => v.userId);
  return [...new Set(ids)];
}

/**
 * Records one executive's vote and returns the new request (the input is not changed).
 * Guarantees: only executives/admins vote; no requester or author votes; one vote per person;
 * nothing after a decision; a reject needs a reason and rejects at once; approval completes
 * when `requiredApprovals` distinct eligible approvers have approved.
 */
export function castVote(
  request: ApprovalRequest,
  actor: Actor,
  decision: VoteDecision,
  note: string | undefined,
  now: Date,
): Result<VoteOutcome> {
  const role = authorize(actor, 'approve');
  if (!role.ok) return role;
  if (request.status !== 'pending') {
    return refuse(
      'already_decided',
      `${request.ref} was already ${request.status}; it can't be voted on any more.`,
    );
  }
  const duties = checkSeparationOfDuties(actor, request.requesterIds, request.ref);
  if (!duties.ok) return duties;
  const previous = request.votes.find((v) => v.userId === actor.userId);
  if (previous) {
    return refuse(
      'already_voted',
      `You already voted to ${previous.decision} ${request.ref} (${previous.at.toISOString()}); it needs another executive now.`,
    );
  }
  if (decision === 'reject' && !isPresent(note)) {
    return refuse(
      'invalid_input',
      `Say why you reject ${request.ref}: a rejection needs a reason.`,
      undefined,
      {
        reason: 'A rejection needs a reason.',
      },
    );
  }
  if (note && note.length > REASON_MAX) {
    const what = decision === 'reject' ? 'reason' : 'note';
    return refuse(
      'invalid_input',
      `Shorten the ${what}: ${tooLongMessage(REASON_MAX, note.length)}`,
      undefined,
      { reason: tooLongMessage(REASON_MAX, note.length) },
    );
  }
  const trimmed = note?.trim();
  const vote: Vote = {
    userId: actor.userId,
    decision,
    ...(trimmed ? { note: trimmed } : {}),
    at: now,
  };
  const votes = [...request.votes, vote];
  const approvals = approverIds({ ...request, votes }).length;
  const status: ApprovalStatus =
    decision === 'reject'
      ? 'rejected'
      : approvals >= request.requiredApprovals
        ? 'approved'
        : 'pending';
  const next: ApprovalRequest = { ...request, votes, status };
  const tally = `${approvals} of ${request.requiredApprovals}`;
  const summary =
    status === 'rejected'
      ? `${request.ref} rejected: ${trimmed}`
      : status === 'approved'
        ? `${request.ref} approved (${tally} approvals).`
        : `Approval recorded for ${request.ref} (${tally}); waiting for more.`;
  return ok({
    request: next,
    vote,
    completed: status !== 'pending',
    status,
    record: {
      kind: status === 'pending' ? 'approval.vote_cast' : `approval.${status}`,
      summary,
      details: {
        ref: request.ref,
        decision,
        note: trimmed ?? null,
        approvals,
        requiredApprovals: request.requiredApprovals,
        status,
        at: now.toISOString(),
      },
    },
  });
}
