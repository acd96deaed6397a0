import type { Stage } from './engagement.js';

// The figures an executive asks for about an engagement (issue 10, App Home governance): how
// long it spent at each gate, read from the decision record's lifecycle transition records.

/** One lifecycle transition as recorded (`details.from` / `details.to` of an engagement.* record). */
export interface RecordedTransition {
  readonly at: Date;
  readonly from: Stage;
  readonly to: Stage;
}

export interface GateTimes {
  /** Milliseconds spent in each stage it has been in, the current one counted up to `now`. */
  readonly byStage: Partial<Record<Stage, number>>;
  /** Since when it is in its current stage (its creation, or its last transition). */
  readonly currentSince: Date;
  /** Milliseconds at the current gate. */
  readonly atCurrent: number;
}

/**
 * Time at each gate from the transitions (oldest first), starting in draft at `createdAt`.
 * Stages are attributed from each transition's `from`, so a gap in the record (a transition
 * recorded before this was kept) never makes time vanish: it counts toward the stage left.
 */
export function gateTimes(
  createdAt: Date,
  stage: Stage,
  transitions: readonly RecordedTransition[],
  now: Date,
): GateTimes {
  const byStage: Partial<Record<Stage, number>> = {};
  const add = (s: Stage, ms: number) => {
    byStage[s] = (byStage[s] ?? 0) + Math.max(0, ms);
  };
  let since = createdAt;
  for (const t of [...transitions].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    add(t.from, t.at.getTime() - since.getTime());
    since = t.at;
  }
  const atCurrent = Math.max(0, now.getTime() - since.getTime());
  add(stage, atCurrent);
  return { byStage, currentSince: since, atCurrent };
}

/** An engagement's health: what needs attention now. */
export interface EngagementHealth {
  readonly overdueItems: number;
  readonly approvalsOverdue: number;
  /** Open high or critical risks (filled in when risks exist; 0 until then). */
  readonly openSevereRisks: number;
  /** Escalations not acknowledged yet (filled in when escalations exist; 0 until then). */
  readonly unacknowledgedEscalations: number;
}

/** `ok` when nothing needs attention, otherwise `attention`. */
export function healthOf(h: EngagementHealth): 'ok' | 'attention' {
  return h.overdueItems + h.approvalsOverdue + h.openSevereRisks + h.unacknowledgedEscalations > 0
    ? 'attention'
    : 'ok';
}

/** "3d 4h", "5h 10m", "12m", "under a minute": a duration a person reads at a glance. */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'under a minute';
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return hours > 0 ? `${days}d ${hours}h` : `${days}d`;
  if (hours > 0) return mins > 0 ? `${hours}h ${mins}m` : `${hours}h`;
  return `${mins}m`;
}
