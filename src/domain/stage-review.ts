import type { DeliverableFacts } from './deliverable.js';
import { ok, type Result, refuse } from './errors.js';
import type { VersionedScopeItem } from './scope-version.js';

export const STAGE_OUTCOME_MAX = 3000;

/**
 * The scope items a stage checkpoint covers: those due on or before its date and after the
 * previous checkpoint's (`previousDate`); a checkpoint without a date covers every item.
 */
export function stageScopeItems(
  checkpoint: { dueDate: string | null },
  previousDate: string | null,
  items: readonly VersionedScopeItem[],
): VersionedScopeItem[] {
  if (!checkpoint.dueDate) return [...items];
  const until = checkpoint.dueDate;
  return items.filter(
    (i) =>
      i.dueDate !== null &&
      i.dueDate <= until &&
      (previousDate === null || i.dueDate > previousDate),
  );
}

/** The deliverables (DL-n) of `items` still waiting for review: what blocks approving the stage. */
export function waitingDeliverables(
  items: readonly { ref: string }[],
  deliverables: readonly DeliverableFacts[],
): string[] {
  const refs = new Set(items.map((i) => i.ref));
  return deliverables
    .filter((d) => d.status === 'waiting' && refs.has(d.scopeRef))
    .map((d) => d.ref);
}

/**
 * Ok when the partner may submit the outcome of the checkpoint `stageRef`: the outcome is said,
 * no review of it is waiting (`pendingRef`) and it has not passed (`passedRef`).
 */
export function checkStageOutcome(
  stageRef: string,
  outcome: string | undefined,
  pendingRef: string | undefined,
  passedRef: string | undefined,
): Result<string> {
  const text = outcome?.trim() ?? '';
  if (passedRef) return refuse('conflict', `${stageRef} already passed its review (${passedRef}).`);
  if (pendingRef)
    return refuse(
      'conflict',
      `${pendingRef} for ${stageRef} is already waiting for the executives.`,
    );
  if (!text)
    return refuse(
      'invalid_input',
      `Say the outcome of ${stageRef}: what was delivered and where it stands.`,
      undefined,
      {
        outcome: 'Say the outcome of the stage.',
      },
    );
  if (text.length > STAGE_OUTCOME_MAX)
    return refuse('invalid_input', `Keep the stage outcome under ${STAGE_OUTCOME_MAX} characters.`);
  return ok(text);
}
