import {
  type EngagementFacts,
  engagementLabel,
  isFinalStage,
  isIsoDate,
  STAGE_LABELS,
  type Stage,
} from './engagement.js';
import { ok, type Result, refuse } from './errors.js';
import { checkExecutionRequirements } from './gates.js';
import { isPresent } from './text.js';

/** Length limits of the execution requirements, shared by modals and validation. */
export const SCOPE_LIMITS = {
  title: 150,
  criterion: 300,
  criteria: 20,
  stageName: 150,
} as const;

export interface ScopeItemDraft {
  readonly title: string;
  readonly criteria: readonly string[];
  /** YYYY-MM-DD */
  readonly dueDate: string;
}

export interface StageCheckpointDraft {
  readonly name: string;
  /** YYYY-MM-DD */
  readonly dueDate: string;
}

const BULLET = /^(?:[-*•–]|\d{1,3}[.)])\s+/;

/** Splits "one per line" text into trimmed, non-empty criteria, with list bullets removed. */
export function parseCriteria(text: string | undefined): string[] {
  return (text ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim().replace(BULLET, '').trim())
    .filter((line) => line.length > 0);
}

/** The earliest acceptable date: yesterday in UTC, so a date picked "today" anywhere on Earth passes. */
function earliestDate(now: Date): string {
  return new Date(now.getTime() - 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

function dateError(date: string | undefined, now: Date, what: string): string | undefined {
  if (!isPresent(date)) return `Pick the ${what}.`;
  if (!isIsoDate(date)) return `The ${what} must be a real date (YYYY-MM-DD).`;
  if (date < earliestDate(now)) return `The ${what} ${date} is in the past; pick today or later.`;
  return undefined;
}

/**
 * Validates a new scope item: a title, at least one acceptance criterion (each within limits)
 * and a due date that is not in the past. Refuses `invalid_input` with one field error per
 * problem (fields `title`, `criteria`, `dueDate`), so a modal can show all of them at once.
 */
export function validateScopeItem(
  input: { title?: string; criteria?: readonly string[]; dueDate?: string },
  now: Date,
): Result<ScopeItemDraft> {
  const errors: Record<string, string> = {};
  const title = input.title?.trim() ?? '';
  const criteria = (input.criteria ?? []).map((c) => c.trim()).filter((c) => c.length > 0);
  if (!title) errors.title = 'Give the scope item a title.';
  else if (title.length > SCOPE_LIMITS.title)
    errors.title = `Keep the title under ${SCOPE_LIMITS.title} characters.`;
  if (criteria.length === 0)
    errors.criteria = 'Add at least one acceptance criterion, one per line.';
  else if (criteria.length > SCOPE_LIMITS.criteria)
    errors.criteria = `At most ${SCOPE_LIMITS.criteria} criteria per scope item; split it into several items.`;
  else if (criteria.some((c) => c.length > SCOPE_LIMITS.criterion))
    errors.criteria = `Keep each criterion under ${SCOPE_LIMITS.criterion} characters.`;
  const due = dateError(input.dueDate, now, 'due date');
  if (due) errors.dueDate = due;
  if (Object.keys(errors).length > 0) {
    return refuse('invalid_input', 'Some fields of the scope item need fixing.', undefined, errors);
  }
  return ok({ title, criteria, dueDate: input.dueDate as string });
}

/** Validates a new stage checkpoint: a name and a date that is not in the past (fields `name`, `dueDate`). */
export function validateStageCheckpoint(
  input: { name?: string; dueDate?: string },
  now: Date,
): Result<StageCheckpointDraft> {
  const errors: Record<string, string> = {};
  const name = input.name?.trim() ?? '';
  if (!name) errors.name = 'Name the checkpoint, e.g. "Mid-point review".';
  else if (name.length > SCOPE_LIMITS.stageName)
    errors.name = `Keep the name under ${SCOPE_LIMITS.stageName} characters.`;
  const due = dateError(input.dueDate, now, 'checkpoint date');
  if (due) errors.dueDate = due;
  if (Object.keys(errors).length > 0) {
    return refuse('invalid_input', 'Some fields of the checkpoint need fixing.', undefined, errors);
  }
  return ok({ name, dueDate: input.dueDate as string });
}

/**
 * Ok when the execution requirements may still change: the outputs are reviewed, execution is
 * not approved yet, and no approval request for them is pending (`pendingRef`). Otherwise a
 * `wrong_stage` or `conflict` refusal that says what to do instead.
 */
export function checkScopeEditable(
  engagement: { slug: string; stage: Stage },
  pendingRef: string | undefined,
): Result<void> {
  const name = engagementLabel(engagement.slug);
  const label = STAGE_LABELS[engagement.stage];
  if (isFinalStage(engagement.stage)) {
    return refuse(
      'wrong_stage',
      `${name} is *${label}*, which is final: its scope can't change any more.`,
    );
  }
  if (engagement.stage === 'draft' || engagement.stage === 'diagnostic_submitted') {
    return refuse(
      'wrong_stage',
      `${name} is in *${label}*: execution requirements are defined once an executive has reviewed the Diagnostic outputs (\`/amos review\`).`,
    );
  }
  if (engagement.stage !== 'outputs_reviewed') {
    return refuse(
      'wrong_stage',
      `The execution requirements of ${name} are already approved (stage *${label}*): scope changes now need an approved change request (\`/amos change\`).`,
    );
  }
  if (pendingRef) {
    return refuse(
      'conflict',
      `${pendingRef} is waiting for approval with the current requirements, so they can't change now. If they need changes, ask an executive to reject ${pendingRef} with the reason (\`/amos reject ${engagement.slug} ${pendingRef} <reason>\`), then edit and submit again.`,
    );
  }
  return ok();
}

/**
 * Ok when the execution requirements can be put to the executives: the stage allows it, no
 * request for them is pending (`pendingRef`, with its tally), and every gap of the Execution
 * Approval gate is closed (the refusal lists all of them, naming the SC/SR refs).
 */
export function checkRequirementsSubmittable(
  facts: EngagementFacts,
  pending: { ref: string; approvals: number; required: number } | undefined,
): Result<void> {
  const editable = checkScopeEditable(facts, undefined);
  if (!editable.ok) return editable;
  if (pending) {
    return refuse(
      'conflict',
      `${pending.ref} is already waiting for approval (${pending.approvals} of ${pending.required} so far); there is nothing to submit again. \`/amos scope ${facts.slug}\` shows it.`,
    );
  }
  return checkExecutionRequirements(facts);
}

/**
 * Refuses (`conflict`, on `field`) a title or checkpoint name the engagement already uses,
 * case-insensitively: two items with one name confuse reviewers, and a modal submitted twice
 * must not add the same item twice.
 */
export function checkUniqueName(
  existing: readonly { ref: string; name: string }[],
  name: string,
  field: 'title' | 'name',
): Result<void> {
  const key = name.trim().toLowerCase();
  const clash = existing.find((e) => e.name.trim().toLowerCase() === key);
  if (!clash) return ok();
  const message = `${clash.ref} is already called "${clash.name}"; give this one a different ${field === 'title' ? 'title' : 'name'}.`;
  return refuse('conflict', message, undefined, { [field]: message });
}

/**
 * Ok while the engagement awaits execution approval (`outputs_reviewed`): a vote on the
 * requirements `ref` makes no sense once it was sent back to draft, terminated or approved.
 */
export function checkRequirementsVotable(
  engagement: { slug: string; stage: Stage },
  ref: string,
): Result<void> {
  if (engagement.stage === 'outputs_reviewed') return ok();
  const name = engagementLabel(engagement.slug);
  const label = STAGE_LABELS[engagement.stage];
  const why = isFinalStage(engagement.stage)
    ? 'which is final'
    : 'so these requirements are no longer up for approval; the operator submits them again once the outputs are reviewed';
  return refuse('wrong_stage', `${name} is *${label}*, ${why}: ${ref} can't be decided any more.`);
}
