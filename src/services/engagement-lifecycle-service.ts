import type { Db, Trx } from '../db/database.js';
import {
  type EngagementRow,
  findEngagementByChannel,
  findEngagementBySlug,
  loadEngagementFacts,
  lockEngagement,
  lockEngagementBySlug,
  setStage,
} from '../db/engagement-repository.js';
import type { ChainedRecord } from '../domain/decision-record.js';
import type { EngagementFacts } from '../domain/engagement.js';
import type { Halt } from '../domain/gating.js';
import {
  type LifecycleAction,
  type TransitionInput,
  type TransitionOutcome,
  transition,
} from '../domain/lifecycle.js';
import { adminMentions } from './actor-service.js';
import { type Change, check, notFound, runChange, type ServiceDeps } from './change.js';

const noSuchSlug = (slug: string) =>
  `There is no engagement \`${slug}\` in this workspace. \`/amos status\` lists them.`;

/**
 * Finds the engagement a command is about: the slug given, else the engagement whose
 * partner channel the command was typed in. Refuses with a message that says what to type.
 */
export async function resolveEngagement(
  db: Db | Trx,
  teamId: string,
  slug: string | undefined,
  channelId?: string,
): Promise<EngagementRow> {
  if (slug) {
    const found = await findEngagementBySlug(db, teamId, slug);
    if (!found) notFound(noSuchSlug(slug));
    return found;
  }
  if (channelId) {
    const found = await findEngagementByChannel(db, teamId, channelId);
    if (found) return found;
  }
  return notFound(
    'Which engagement? Add its slug, e.g. `acme-q3`, or type the command in its partner channel. `/amos status` lists them.',
  );
}

/** Who paused or terminated the engagement and why, as partner refusals name it; {} otherwise. */
export function haltOf(row: {
  readonly halt_reason?: string | null;
  readonly halted_by?: string | null;
}): { halt?: Halt } {
  return row.halt_reason && row.halted_by
    ? { halt: { reason: row.halt_reason, byId: row.halted_by } }
    : {};
}

/**
 * The engagement a request names (its slug, else the partner channel it came from), locked for
 * the rest of the change: what every service that raises or submits something starts with.
 */
export async function resolveAndLock(
  change: Change,
  target: { readonly slug?: string | undefined; readonly channelId?: string | undefined },
): Promise<EngagementRow> {
  if (target.slug) {
    // Found and locked in one statement (a slug names one engagement and never changes).
    const locked = await lockEngagementBySlug(change.trx, change.teamId, target.slug);
    return locked ?? notFound(noSuchSlug(target.slug));
  }
  const found = await resolveEngagement(change.trx, change.teamId, target.slug, target.channelId);
  return lockEngagementRow(change, found.id);
}

export interface LockedEngagement {
  readonly engagement: EngagementRow;
  readonly facts: EngagementFacts;
}

/** Locks this workspace's engagement row for the rest of the change; not_found for any other id. */
export async function lockEngagementRow(
  change: Change,
  engagementId: string,
): Promise<EngagementRow> {
  const engagement = await lockEngagement(change.trx, change.teamId, engagementId);
  if (!engagement) return notFound('That engagement does not exist in this workspace (any more).');
  return engagement;
}

/** Locks an engagement inside a change and loads its facts, refusing if it is not this workspace's. */
export async function lockWithFacts(
  change: Change,
  engagementId: string,
): Promise<LockedEngagement> {
  const engagement = await lockEngagementRow(change, engagementId);
  return { engagement, facts: await loadEngagementFacts(change.trx, engagement) };
}

/**
 * Applies one lifecycle transition inside an open change: checks stage, role, separation of
 * duties and the gate in the domain, writes the new stage and appends its record.
 */
export async function applyTransition(
  change: Change,
  locked: LockedEngagement,
  action: LifecycleAction,
  input: Omit<TransitionInput, 'adminNames'>,
  admins: readonly string[],
): Promise<{ outcome: TransitionOutcome; record: ChainedRecord }> {
  const adminNames = await adminMentions(change.trx, change.teamId, admins);
  const outcome = check(
    transition(locked.facts, action, change.actor, { ...input, adminNames }, change.now),
  );
  await setStage(change.trx, locked.engagement, outcome.to, change.now);
  const record = await change.record({
    engagementId: locked.engagement.id,
    kind: outcome.record.kind,
    subjectRef: null,
    summary: outcome.record.summary,
    details: outcome.record.details,
  });
  return { outcome, record };
}

/** One lifecycle transition as its own change (pause, resume, terminate, review, ...). */
export async function transitionEngagement(
  deps: ServiceDeps,
  request: { teamId: string; userId: string; engagementId: string; action: LifecycleAction } & Omit<
    TransitionInput,
    'adminNames'
  >,
) {
  const { teamId, userId, engagementId, action, ...input } = request;
  return runChange(deps, teamId, userId, async (change) => {
    const locked = await lockWithFacts(change, engagementId);
    const result = await applyTransition(change, locked, action, input, deps.admins);
    return { ...result, engagement: { ...locked.engagement, stage: result.outcome.to } };
  });
}
