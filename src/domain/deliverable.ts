import type { Stage } from './engagement.js';
import { ok, type Result, refuse } from './errors.js';
import type { ScopeVersion } from './scope-version.js';
import { isPresent, joinAnd } from './text.js';

export const DELIVERABLE_LIMITS = { summary: 3000, link: 2000, note: 1000 } as const;

export type DeliverableStatus = 'waiting' | 'accepted' | 'returned';

/** A deliverable as the domain sees it: the item it is for and where it stands. */
export interface DeliverableFacts {
  readonly ref: string;
  readonly scopeRef: string;
  readonly status: DeliverableStatus;
  readonly version: number;
}

export interface DeliverableDraft {
  readonly scopeRef: string;
  readonly link: string;
  readonly summary: string;
}

/** True for an absolute https URL with a host (nothing else is accepted as a documentation link). */
export function isHttpsLink(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' && url.hostname.length > 0 && !/\s/.test(text);
  } catch {
    return false;
  }
}

/**
 * Ok when a deliverable may be submitted for `scopeRef`: the item is in the current approved
 * scope version and not done, and no deliverable for it waits for review. Returns the draft and,
 * when the item's last deliverable was returned, that deliverable (the submission is its next
 * version). Field errors on `item`, `link`, `summary`.
 */
export function checkDeliverable(
  scope: ScopeVersion,
  existing: readonly DeliverableFacts[],
  input: { scopeRef?: string; link?: string; summary?: string },
): Result<{ draft: DeliverableDraft; resubmits: DeliverableFacts | undefined }> {
  const errors: Record<string, string> = {};
  const scopeRef = input.scopeRef ?? '';
  const inScope = scope.items.some((i) => i.ref === scopeRef);
  const forItem = existing.filter((d) => d.scopeRef === scopeRef);
  if (!inScope) {
    errors.item = `${scopeRef || 'That item'} is not in the approved scope (version ${scope.version}); only approved scope items can be delivered. Anything else needs a change request (\`/amos change\`).`;
  } else if (forItem.some((d) => d.status === 'accepted')) {
    errors.item = `${scopeRef} is already done: a deliverable for it was accepted.`;
  } else {
    const waiting = forItem.find((d) => d.status === 'waiting');
    if (waiting) errors.item = `${waiting.ref} for ${scopeRef} is still waiting for review.`;
  }
  const link = input.link?.trim() ?? '';
  if (!isHttpsLink(link)) errors.link = 'Give the documentation link as an https:// address.';
  else if (link.length > DELIVERABLE_LIMITS.link) errors.link = 'That link is too long.';
  const summary = input.summary?.trim() ?? '';
  if (!summary) errors.summary = 'Summarise the outcome.';
  else if (summary.length > DELIVERABLE_LIMITS.summary)
    errors.summary = `Keep the summary under ${DELIVERABLE_LIMITS.summary} characters.`;
  if (Object.keys(errors).length > 0) {
    const message = errors.item ?? 'Some fields of the deliverable need fixing.';
    return refuse(inScope ? 'invalid_input' : 'not_found', message, undefined, errors);
  }
  const resubmits = forItem.filter((d) => d.status === 'returned').at(-1);
  return ok({ draft: { scopeRef, link, summary }, resubmits });
}

export interface CriterionResult {
  readonly criterion: string;
  readonly met: boolean;
  readonly note: string;
}

export interface ReviewVerdict {
  readonly verdict: 'accepted' | 'returned';
  readonly results: readonly CriterionResult[];
  /** The criteria not met, with their notes (empty when accepted). */
  readonly unmet: readonly CriterionResult[];
  readonly summary: string;
}

/**
 * A deliverable is reviewed only while its engagement is not finished: once it is terminated
 * (final) or completed, what waited for review stays unreviewed and nothing is marked done.
 */
export function reviewAllowedIn(stage: Stage, ref: string, name: string): Result<true> {
  if (stage === 'terminated' || stage === 'completed') {
    return refuse(
      'wrong_stage',
      `${name} is ${stage}, which is final: ${ref} can no longer be reviewed.`,
    );
  }
  return ok(true);
}

/**
 * The acceptance-criteria rule: a deliverable is accepted only when every criterion of its item
 * is met; otherwise it is returned naming each unmet criterion with its note. Refuses unless
 * every criterion has a result, and every "not met" a note (field errors `criterion-<i>`).
 */
export function reviewAgainstCriteria(
  ref: string,
  criteria: readonly string[],
  answers: readonly ({ met?: boolean | undefined; note?: string | undefined } | undefined)[],
): Result<ReviewVerdict> {
  const errors: Record<string, string> = {};
  const results: CriterionResult[] = [];
  criteria.forEach((criterion, i) => {
    const answer = answers[i];
    const note = answer?.note?.trim() ?? '';
    if (answer?.met === undefined) errors[`criterion-${i}`] = 'Say whether this criterion is met.';
    else if (!answer.met && !isPresent(note))
      errors[`criterion-${i}`] = 'Say what is missing: a criterion not met needs a note.';
    else if (note.length > DELIVERABLE_LIMITS.note)
      errors[`criterion-${i}`] = `Keep the note under ${DELIVERABLE_LIMITS.note} characters.`;
    else results.push({ criterion, met: answer.met, note });
  });
  if (criteria.length === 0)
    return refuse('invalid_input', `${ref} has no acceptance criteria to review against.`);
  if (Object.keys(errors).length > 0) {
    return refuse('invalid_input', `Review ${ref} against every criterion.`, undefined, errors);
  }
  const unmet = results.filter((r) => !r.met);
  const summary =
    unmet.length === 0
      ? `${ref} accepted: all ${results.length} acceptance ${results.length === 1 ? 'criterion' : 'criteria'} met.`
      : `${ref} returned: not met: ${joinAnd(unmet.map((u) => `"${u.criterion}" (${u.note})`))}.`;
  return ok({ verdict: unmet.length === 0 ? 'accepted' : 'returned', results, unmet, summary });
}
