import type { EscalationPath } from './engagement.js';
import { ok, type Result, refuse } from './errors.js';
import type { Severity } from './risk.js';
import { SEVERITIES } from './risk.js';
import type { Actor } from './roles.js';
import { isPresent } from './text.js';
import { nextWorkingMoment, type WorkingHours } from './working-hours.js';

// Escalations (PRODUCT.md section 6, seed "Escalation Paths"): they follow the engagement's
// escalation path level by level. The ladder is data plus one function: `climb` says, for an
// escalation, its path, the SLAs and `now`, whether it moves up, to whom, when the next due
// moment is and what is recorded.

export const ESCALATION_CATEGORIES = ['scope', 'quality', 'timeline', 'risk'] as const;
export type EscalationCategory = (typeof ESCALATION_CATEGORIES)[number];

export const ESCALATION_STATES = ['open', 'acknowledged', 'resolved'] as const;
export type EscalationState = (typeof ESCALATION_STATES)[number];

export const ESCALATION_LIMITS = { text: 2000 } as const;

/** Time to acknowledge, per severity, in milliseconds (AMOS_SLA_*). */
export type SlaSettings = Readonly<Record<Severity, number>>;

export interface EscalationInput {
  category?: string;
  severity?: string;
  needed?: string;
  /** YYYY-MM-DD, optional. */
  byWhen?: string;
}

export interface EscalationDraft {
  readonly category: EscalationCategory;
  readonly severity: Severity;
  readonly needed: string;
  readonly byWhen: string | null;
}

/**
 * The earliest date that is still today somewhere (UTC-12): a "by when" of today is accepted
 * wherever the person raising it is, not refused for being yesterday in UTC.
 */
export function earliestToday(now: Date): string {
  return new Date(now.getTime() - 12 * 3_600_000).toISOString().slice(0, 10);
}

/** Validates the escalation modal; one field error per problem (`category`, `severity`, `needed`, `byWhen`). */
export function validateEscalation(input: EscalationInput, today: string): Result<EscalationDraft> {
  const errors: Record<string, string> = {};
  const category = ESCALATION_CATEGORIES.find((c) => c === input.category);
  const severity = SEVERITIES.find((s) => s === input.severity);
  if (!category) errors.category = 'Pick a category: scope, quality, timeline or risk.';
  if (!severity) errors.severity = 'Pick a severity: low, medium, high or critical.';
  if (!isPresent(input.needed)) errors.needed = 'Say what is needed, and from whom.';
  else if (input.needed.length > ESCALATION_LIMITS.text)
    errors.needed = `Keep it under ${ESCALATION_LIMITS.text} characters.`;
  const byWhen = input.byWhen?.trim() || null;
  if (byWhen && (!/^\d{4}-\d{2}-\d{2}$/.test(byWhen) || byWhen < today))
    errors.byWhen = 'Pick today or a later date.';
  if (Object.keys(errors).length > 0 || !category || !severity) {
    return refuse('invalid_input', 'Some fields of the escalation need fixing.', undefined, errors);
  }
  return ok({ category, severity, needed: (input.needed ?? '').trim(), byWhen });
}

/** One rung of the ladder: a path level (1, 2, 3) and who is on it. */
export interface Rung {
  readonly level: number;
  readonly userIds: readonly string[];
}

/**
 * The rungs an escalation climbs: the path's levels that name someone, in order. A path naming
 * nobody falls back to the engagement's sponsors as level 1, so an escalation always reaches
 * someone who can act.
 */
export function rungsOf(path: EscalationPath, sponsorIds: readonly string[]): Rung[] {
  const rungs = [path.level1, path.level2, path.level3]
    .map((userIds, i) => ({ level: i + 1, userIds: [...new Set(userIds)] }))
    .filter((r) => r.userIds.length > 0);
  return rungs.length > 0 ? rungs : [{ level: 1, userIds: [...new Set(sponsorIds)] }];
}

/** What the ladder needs besides the escalation: the path, the sponsors, SLAs, working hours and zones. */
export interface LadderContext {
  readonly path: EscalationPath;
  readonly sponsorIds: readonly string[];
  readonly slas: SlaSettings;
  readonly workingHours: WorkingHours;
  /** Each recipient's Slack time zone (unknown: UTC). */
  readonly zoneOf: (userId: string) => string;
}

/** One DM of a level: to whom, and not before when (working hours; critical at once). */
export interface Delivery {
  readonly userId: string;
  readonly deliverAt: Date;
}

/** A level reached: who gets the DM and when, and when the level's SLA runs out. */
export interface Arrival {
  readonly level: number;
  readonly deliveries: readonly Delivery[];
  /** Not acknowledged by then: the next step of the ladder. */
  readonly dueAt: Date;
}

function arrive(
  level: number,
  userIds: readonly string[],
  severity: Severity,
  ctx: LadderContext,
  now: Date,
): Arrival {
  const deliveries = userIds.map((userId) => ({
    userId,
    deliverAt:
      severity === 'critical' ? now : nextWorkingMoment(now, ctx.zoneOf(userId), ctx.workingHours),
  }));
  // The SLA runs from the first moment someone on the level could see it.
  const first = Math.min(...deliveries.map((d) => d.deliverAt.getTime()), Number.POSITIVE_INFINITY);
  const start = Number.isFinite(first) ? first : now.getTime();
  return { level, deliveries, dueAt: new Date(start + ctx.slas[severity]) };
}

/** A new escalation: it goes to the first rung of the path. */
export function openEscalation(severity: Severity, ctx: LadderContext, now: Date): Arrival {
  const [first] = rungsOf(ctx.path, ctx.sponsorIds);
  return arrive(first?.level ?? 1, first?.userIds ?? [], severity, ctx, now);
}

/** What the ladder reads of an escalation. */
export interface EscalationFacts {
  readonly ref: string;
  readonly severity: Severity;
  readonly state: EscalationState;
  /** The path level it is at (1, 2, 3). */
  readonly level: number;
  /** When it reached that level. */
  readonly levelSince: Date;
  /** The due moment set when it reached the level. */
  readonly dueAt: Date;
  /** How many steps it has taken (moves and repeats); keys its due moments. */
  readonly step: number;
}

export type LadderStep =
  | { readonly kind: 'stays'; readonly reason: 'acknowledged' | 'resolved' }
  | { readonly kind: 'waits'; readonly dueAt: Date }
  | {
      readonly kind: 'moves';
      readonly from: number;
      readonly to: number;
      /** True after the last level: sent to that level again, and the sponsors told. */
      readonly repeat: boolean;
      readonly step: number;
      readonly arrival: Arrival;
      readonly record: {
        readonly kind: 'escalation.escalated' | 'escalation.repeated';
        readonly summary: string;
        readonly details: Record<string, unknown>;
      };
    };

/** An SLA as the settings spell it (`90s`, `30m`, `4h`, `3d`): exact, never rounded to 0h. */
export function slaText(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds % 86_400 === 0) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/**
 * The ladder: one level per due moment, however late it runs (a level it skipped would never
 * have seen the escalation); the record keeps the due moment that was missed. An acknowledged or resolved escalation stays; one whose SLA has not run out waits
 * for its due moment (the SLA from the first working moment of the level's people after it
 * reached the level, critical at once); otherwise it moves to the next rung of the path, or, past the last rung, repeats
 * to that rung with the sponsors added. The new level's due moment and its DMs (respecting
 * working hours unless critical) come with it, and the record to append.
 */
export function climb(escalation: EscalationFacts, ctx: LadderContext, now: Date): LadderStep {
  if (escalation.state !== 'open') return { kind: 'stays', reason: escalation.state };
  const rungs = rungsOf(ctx.path, ctx.sponsorIds);
  // Recomputed with what is known now of the level's zones (a zone learned since, when its DM
  // waited for working hours, can only make it later): never earlier than the stored moment.
  const here = rungs.find((r) => r.level === escalation.level);
  const known = here
    ? arrive(here.level, here.userIds, escalation.severity, ctx, escalation.levelSince).dueAt
    : escalation.dueAt;
  const dueAt = new Date(Math.max(known.getTime(), escalation.dueAt.getTime()));
  if (now.getTime() < dueAt.getTime()) return { kind: 'waits', dueAt };
  const next = rungs.find((r) => r.level > escalation.level);
  const last = rungs[rungs.length - 1];
  const step = escalation.step + 1;
  const notAcked = `not acknowledged within the ${escalation.severity} SLA (${slaText(ctx.slas[escalation.severity])})`;
  if (next) {
    const arrival = arrive(next.level, next.userIds, escalation.severity, ctx, now);
    return {
      kind: 'moves',
      from: escalation.level,
      to: next.level,
      repeat: false,
      step,
      arrival,
      record: {
        kind: 'escalation.escalated',
        summary: `Escalation ${escalation.ref} moved from level ${escalation.level} to level ${next.level}: ${notAcked}.`,
        details: {
          ref: escalation.ref,
          severity: escalation.severity,
          from: escalation.level,
          to: next.level,
          recipients: arrival.deliveries.map((d) => d.userId),
          missedDueAt: dueAt.toISOString(),
          dueAt: arrival.dueAt.toISOString(),
          step,
        },
      },
    };
  }
  const level = last?.level ?? escalation.level;
  const userIds = [...new Set([...(last?.userIds ?? []), ...ctx.sponsorIds])];
  const arrival = arrive(level, userIds, escalation.severity, ctx, now);
  return {
    kind: 'moves',
    from: escalation.level,
    to: level,
    repeat: true,
    step,
    arrival,
    record: {
      kind: 'escalation.repeated',
      summary: `Escalation ${escalation.ref} ${notAcked} at the last level (${level}): sent to that level again and the sponsors told.`,
      details: {
        ref: escalation.ref,
        severity: escalation.severity,
        from: escalation.level,
        to: level,
        recipients: arrival.deliveries.map((d) => d.userId),
        sponsors: [...ctx.sponsorIds],
        missedDueAt: dueAt.toISOString(),
        dueAt: arrival.dueAt.toISOString(),
        step,
      },
    },
  };
}

export type EscalationAction = 'acknowledge' | 'resolve';

/**
 * Acknowledge or resolve: only someone the escalation has reached (a level it was sent to, or a
 * sponsor told) who holds an executive, operator or admin role; acknowledged ones can still be
 * resolved; resolved ones are final. Its raiser may not acknowledge it (that would stop the
 * ladder before anyone else saw it; separation of duties) but may resolve it, recorded.
 */
export function actOnEscalation(
  escalation: {
    readonly ref: string;
    readonly state: EscalationState;
    readonly raisedBy?: string;
  },
  action: EscalationAction,
  actor: Actor,
  reachedIds: readonly string[],
): Result<{ to: EscalationState; kind: string; summary: string }> {
  if (!reachedIds.includes(actor.userId)) {
    return refuse(
      'forbidden_role',
      `You are not on the escalation path of ${escalation.ref}, so you cannot ${action} it; it waits on the ${reachedIds.length === 1 ? 'person' : `${reachedIds.length} people`} it was sent to.`,
    );
  }
  if (!actor.roles.some((r) => r === 'executive' || r === 'operator' || r === 'admin')) {
    return refuse(
      'forbidden_role',
      `Only an executive, operator or admin on the escalation path may ${action} ${escalation.ref}.`,
    );
  }
  if (action === 'acknowledge' && escalation.raisedBy === actor.userId) {
    return refuse(
      'separation_of_duties',
      `You raised ${escalation.ref}, so someone else on its path acknowledges it; resolve it if it is no longer needed.`,
    );
  }
  if (
    escalation.state === 'resolved' ||
    (escalation.state === 'acknowledged' && action === 'acknowledge')
  ) {
    return refuse('already_decided', `${escalation.ref} is already ${escalation.state}.`);
  }
  const to: EscalationState = action === 'acknowledge' ? 'acknowledged' : 'resolved';
  return ok({
    to,
    kind: `escalation.${to}`,
    summary: `Escalation ${escalation.ref} ${to}.`,
  });
}
