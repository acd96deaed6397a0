import { FINAL_STAGES, type Stage } from './engagement.js';
import { endOfDueDate } from './working-hours.js';

// The weekly digest an executive receives: their engagements with stage and time at the current
// gate, what is overdue, what waits on them, and each engagement's decision-record head (seq and
// hash), which doubles as an anchor kept outside the database (decision-record-anchor.ts).

/** What the digest needs to know about one of the executive's engagements, loaded by the service. */
export interface DigestEngagementFacts {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly stage: Stage;
  /** When the engagement entered its current stage. */
  readonly stageSince: Date;
  /** Scope items and stage checkpoints with a due date that are not done. */
  readonly dueItems: readonly {
    readonly ref: string;
    readonly title: string;
    readonly dueDate: string;
  }[];
  /** Pending approval requests of the engagement. */
  readonly pendingApprovals: readonly {
    readonly ref: string;
    readonly subject: string;
    readonly requestedAt: Date;
    readonly requesterIds: readonly string[];
    readonly voterIds: readonly string[];
  }[];
  /** The head of the engagement's decision record, null while it has none. */
  readonly head: { readonly seq: number; readonly hash: string } | null;
}

export interface DigestEngagement {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly stage: Stage;
  readonly stageSince: Date;
  /** How long the engagement has been at its current gate, in milliseconds. */
  readonly timeAtGate: number;
  readonly overdue: readonly {
    readonly ref: string;
    readonly title: string;
    readonly dueDate: string;
  }[];
  /** Requests this executive may still vote on (not requested or authored by them, not voted). */
  readonly waitingOnYou: readonly {
    readonly ref: string;
    readonly subject: string;
    readonly requestedAt: Date;
  }[];
  readonly head: { readonly seq: number; readonly hash: string } | null;
}

export interface WeeklyDigest {
  readonly teamId: string;
  readonly executiveId: string;
  readonly at: Date;
  readonly engagements: readonly DigestEngagement[];
  /** How many requests wait on this executive across all engagements. */
  readonly waitingCount: number;
  readonly overdueCount: number;
}

/**
 * The digest for one executive at `now`: engagements not yet finished, those with something
 * waiting on the executive first, then those with overdue items, then by slug. An item is
 * overdue once its due day has ended in `timeZone` (the executive's).
 */
export function weeklyDigest(input: {
  readonly teamId: string;
  readonly executiveId: string;
  readonly now: Date;
  readonly timeZone: string;
  readonly engagements: readonly DigestEngagementFacts[];
}): WeeklyDigest {
  const { now, executiveId, timeZone } = input;
  const engagements = input.engagements
    .filter((e) => !FINAL_STAGES.includes(e.stage))
    .map((e): DigestEngagement => {
      const overdue = e.dueItems
        .filter((item) => endOfDueDate(item.dueDate, timeZone).getTime() <= now.getTime())
        .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.ref.localeCompare(b.ref));
      const waitingOnYou = e.pendingApprovals
        .filter((a) => !a.requesterIds.includes(executiveId) && !a.voterIds.includes(executiveId))
        .map((a) => ({ ref: a.ref, subject: a.subject, requestedAt: a.requestedAt }))
        .sort((a, b) => a.requestedAt.getTime() - b.requestedAt.getTime());
      return {
        id: e.id,
        slug: e.slug,
        name: e.name,
        stage: e.stage,
        stageSince: e.stageSince,
        timeAtGate: Math.max(0, now.getTime() - e.stageSince.getTime()),
        overdue,
        waitingOnYou,
        head: e.head,
      };
    })
    .sort(
      (a, b) =>
        Number(b.waitingOnYou.length > 0) - Number(a.waitingOnYou.length > 0) ||
        Number(b.overdue.length > 0) - Number(a.overdue.length > 0) ||
        a.slug.localeCompare(b.slug),
    );
  return {
    teamId: input.teamId,
    executiveId,
    at: now,
    engagements,
    waitingCount: engagements.reduce((n, e) => n + e.waitingOnYou.length, 0),
    overdueCount: engagements.reduce((n, e) => n + e.overdue.length, 0),
  };
}

/** A duration as a person says it: "3 days", "5 hours", "under an hour". */
export function describeDuration(ms: number): string {
  const hours = Math.floor(ms / 3_600_000);
  if (hours < 1) return 'under an hour';
  if (hours < 48) return `${hours} ${hours === 1 ? 'hour' : 'hours'}`;
  const days = Math.floor(hours / 24);
  return `${days} days`;
}
