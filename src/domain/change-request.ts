import { type EngagementFacts, engagementLabel, STAGE_LABELS, type Stage } from './engagement.js';
import { ok, type Result, refuse } from './errors.js';
import { SCOPE_LIMITS, validateScopeItem } from './scope.js';
import type { ScopeAmendment } from './scope-version.js';
import { isPresent } from './text.js';

export const CHANGE_TYPES = ['scope', 'timeline', 'tooling', 'process'] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

export const CHANGE_LIMITS = { text: 2000, items: 10 } as const;

/** A change request as raised: what changes, its impact and why (PRODUCT.md section 6). */
export interface ChangeRequestDraft {
  readonly type: ChangeType;
  readonly description: string;
  readonly impact: string;
  readonly rationale: string;
  /** For scope changes: the items to add or amend; empty for the other types. */
  readonly amendment: ScopeAmendment;
}

export interface ChangeRequestInput {
  type?: string;
  description?: string;
  impact?: string;
  rationale?: string;
  add?: readonly { title?: string; criteria?: readonly string[]; dueDate?: string }[];
  amend?: readonly {
    ref: string;
    title?: string;
    criteria?: readonly string[];
    dueDate?: string;
  }[];
}

/**
 * Validates a change request: a type, a description, an impact and a rationale; a scope change
 * adds or amends at least one item, each added item complete (title, criteria, due date) and each
 * amended one an item in scope (`scopeRefs`). One field error per problem (`type`, `description`,
 * `impact`, `rationale`, `items`), so a modal shows all of them at once.
 */
export function validateChangeRequest(
  input: ChangeRequestInput,
  scopeRefs: readonly string[],
  now: Date,
): Result<ChangeRequestDraft> {
  const errors: Record<string, string> = {};
  const type = CHANGE_TYPES.find((t) => t === input.type);
  if (!type) errors.type = 'Pick what the change is about: scope, timeline, tooling or process.';
  for (const field of ['description', 'impact', 'rationale'] as const) {
    const value = input[field];
    if (!isPresent(value)) errors[field] = `Say the ${field} of the change.`;
    else if (value.length > CHANGE_LIMITS.text)
      errors[field] = `Keep the ${field} under ${CHANGE_LIMITS.text} characters.`;
  }
  const add: { title: string; criteria: string[]; dueDate: string }[] = [];
  const amend: ScopeAmendment['amend'][number][] = [];
  if (type === 'scope') {
    const items = [...(input.add ?? []), ...(input.amend ?? [])];
    if (items.length === 0)
      errors.items =
        'A scope change adds or amends at least one scope item, with its acceptance criteria and due date.';
    else if (items.length > CHANGE_LIMITS.items)
      errors.items = `At most ${CHANGE_LIMITS.items} items per change request.`;
    for (const item of input.add ?? []) {
      const valid = validateScopeItem(item, now);
      if (!valid.ok) {
        errors.items = `New item "${item.title ?? ''}": ${Object.values(valid.refusal.fieldErrors ?? {}).join(' ')}`;
        break;
      }
      add.push({ ...valid.value, criteria: [...valid.value.criteria] });
    }
    for (const item of input.amend ?? []) {
      if (!scopeRefs.includes(item.ref)) {
        errors.items = `${item.ref} is not in the approved scope; amend one of ${scopeRefs.join(', ') || 'its items'} or add a new item.`;
        break;
      }
      if (item.title !== undefined && item.title.length > SCOPE_LIMITS.title) {
        errors.items = `Keep the title of ${item.ref} under ${SCOPE_LIMITS.title} characters.`;
        break;
      }
      if (item.criteria !== undefined && item.criteria.length === 0) {
        errors.items = `${item.ref} keeps at least one acceptance criterion.`;
        break;
      }
      amend.push(item);
    }
  }
  if (Object.keys(errors).length > 0 || !type) {
    return refuse(
      'invalid_input',
      'Some fields of the change request need fixing.',
      undefined,
      errors,
    );
  }
  return ok({
    type,
    description: (input.description ?? '').trim(),
    impact: (input.impact ?? '').trim(),
    rationale: (input.rationale ?? '').trim(),
    amendment: { add, amend },
  });
}

/**
 * Ok when a change request may be raised on the engagement now: only while it is active (a
 * change to approved scope; before that the operator edits the requirements themselves).
 */
export function checkChangeRequestAllowed(
  engagement: Pick<EngagementFacts, 'slug' | 'stage'>,
): Result<void> {
  if (engagement.stage === 'active') return ok();
  const name = engagementLabel(engagement.slug);
  const stage = engagement.stage as Stage;
  const next =
    stage === 'outputs_reviewed'
      ? 'its requirements are not approved yet, so the operator changes them directly (`/amos scope`)'
      : 'change requests are raised only while it is active';
  return refuse('wrong_stage', `${name} is *${STAGE_LABELS[stage]}*: ${next}.`);
}
