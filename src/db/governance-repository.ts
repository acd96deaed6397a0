import { sql } from 'kysely';
import type { Stage } from '../domain/engagement.js';
import type { RecordedTransition } from '../domain/governance.js';
import type { Db, Trx } from './database.js';

// What App Home's governance figures and a termination's final summary read: a fixed number of
// statements for any number of engagements (never one per engagement).

/**
 * The lifecycle transitions of these engagements, oldest first per engagement. Reads only the
 * `engagement.*` records (the partial index decision_record_transition, whose predicate is
 * repeated literally so the planner can use it) that carry a `to` stage.
 */
export async function listTransitions(
  db: Db | Trx,
  teamId: string,
  engagementIds: readonly string[],
): Promise<Map<string, RecordedTransition[]>> {
  const byEngagement = new Map<string, RecordedTransition[]>();
  if (engagementIds.length === 0) return byEngagement;
  const rows = await db
    .selectFrom('decision_record')
    .select([
      'engagement_id',
      'at',
      sql<string>`details->>'from'`.as('from'),
      sql<string>`details->>'to'`.as('to'),
    ])
    .where('team_id', '=', teamId)
    .where('engagement_id', 'in', [...new Set(engagementIds)])
    .where(sql<boolean>`kind like 'engagement.%'`)
    .where(sql<boolean>`details ? 'to'`)
    .orderBy('engagement_id')
    .orderBy('seq')
    .execute();
  for (const row of rows) {
    if (!row.engagement_id || !row.from || !row.to) continue;
    const list = byEngagement.get(row.engagement_id) ?? [];
    list.push({ at: row.at, from: row.from as Stage, to: row.to as Stage });
    byEngagement.set(row.engagement_id, list);
  }
  return byEngagement;
}

export interface GovernanceCounts {
  readonly approvalsOverdue: number;
  readonly changesApproved: number;
  readonly changesRejected: number;
  readonly deliverablesAccepted: number;
  readonly deliverablesReturned: number;
  readonly overdueItems: number;
}

/**
 * Per engagement, in one statement: approval requests pending since before `overdueBefore`,
 * change requests approved and rejected, deliverable reviews that accepted and that returned a
 * version, and open scope items due before `today` (YYYY-MM-DD). Each subquery reads one
 * engagement's rows through an index that leads with engagement_id.
 */
export async function governanceCounts(
  db: Db | Trx,
  teamId: string,
  engagementIds: readonly string[],
  overdueBefore: Date,
  today: string,
): Promise<Map<string, GovernanceCounts>> {
  return (await governanceOfEngagements(db, teamId, engagementIds, overdueBefore, today)).counts;
}

/** An engagement's open high or critical risks and its escalations nobody acknowledged yet. */
export interface GovernanceHealthCounts {
  openSevereRisks: number;
  unacknowledgedEscalations: number;
}

/**
 * `governanceCounts` and, in the same statement, each engagement's health (open or
 * acknowledged high and critical risks, open escalations) and its lifecycle transitions as
 * `listTransitions` reads them (through decision_record_transition, by seq): everything App
 * Home shows of the engagements' governance.
 */
export async function governanceOfEngagements(
  db: Db | Trx,
  teamId: string,
  engagementIds: readonly string[],
  overdueBefore: Date,
  today: string,
): Promise<{
  counts: Map<string, GovernanceCounts>;
  health: Map<string, GovernanceHealthCounts>;
  transitions: Map<string, RecordedTransition[]>;
}> {
  const counts = new Map<string, GovernanceCounts>();
  const health = new Map<string, GovernanceHealthCounts>();
  const transitions = new Map<string, RecordedTransition[]>();
  if (engagementIds.length === 0) return { counts, health, transitions };
  const { rows } = await sql<{
    id: string;
    approvals_overdue: number;
    changes_approved: number;
    changes_rejected: number;
    deliverables_accepted: number;
    deliverables_returned: number;
    overdue_items: number;
    open_severe_risks: number;
    unacknowledged_escalations: number;
    /** `at` as epoch milliseconds, truncated as the timestamptz parser truncates. */
    transitions: { at_ms: number; from: string | null; to: string | null }[];
  }>`
    select e.id,
      (select count(*)::int from approval_request a
        where a.engagement_id = e.id and a.team_id = e.team_id
          and a.status = 'pending' and a.requested_at < ${overdueBefore}) as approvals_overdue,
      (select count(*) filter (where a.status = 'approved')::int from change_request c
        join approval_request a on a.id = c.approval_request_id and a.team_id = c.team_id
        where c.engagement_id = e.id and c.team_id = e.team_id) as changes_approved,
      (select count(*) filter (where a.status = 'rejected')::int from change_request c
        join approval_request a on a.id = c.approval_request_id and a.team_id = c.team_id
        where c.engagement_id = e.id and c.team_id = e.team_id) as changes_rejected,
      (select count(*) filter (where v.verdict = 'accepted')::int from deliverable d
        join deliverable_version v on v.deliverable_id = d.id and v.team_id = d.team_id
        where d.engagement_id = e.id and d.team_id = e.team_id) as deliverables_accepted,
      (select count(*) filter (where v.verdict = 'returned')::int from deliverable d
        join deliverable_version v on v.deliverable_id = d.id and v.team_id = d.team_id
        where d.engagement_id = e.id and d.team_id = e.team_id) as deliverables_returned,
      (select count(*)::int from scope_item s
        where s.engagement_id = e.id and s.team_id = e.team_id
          and s.done_at is null and s.due_date < ${today}) as overdue_items,
      (select count(*)::int from risk r
        where r.engagement_id = e.id and r.team_id = e.team_id
          and r.severity in ('high', 'critical') and r.state in ('open', 'acknowledged'))
        as open_severe_risks,
      (select count(*)::int from escalation x
        where x.engagement_id = e.id and x.team_id = e.team_id and x.state = 'open')
        as unacknowledged_escalations,
      coalesce((select json_agg(json_build_object('at_ms', floor(extract(epoch from d.at) * 1000),
          'from', d.details->>'from', 'to', d.details->>'to') order by d.seq)
        from decision_record d
        where d.team_id = e.team_id and d.engagement_id = e.id
          and d.kind like 'engagement.%' and d.details ? 'to'), '[]') as transitions
    from engagement e
    where e.team_id = ${teamId} and e.id in (${sql.join([...new Set(engagementIds)])})`.execute(db);
  for (const r of rows) {
    counts.set(r.id, {
      approvalsOverdue: r.approvals_overdue,
      changesApproved: r.changes_approved,
      changesRejected: r.changes_rejected,
      deliverablesAccepted: r.deliverables_accepted,
      deliverablesReturned: r.deliverables_returned,
      overdueItems: r.overdue_items,
    });
    health.set(r.id, {
      openSevereRisks: r.open_severe_risks,
      unacknowledgedEscalations: r.unacknowledged_escalations,
    });
    const list: RecordedTransition[] = [];
    for (const t of r.transitions) {
      if (!t.from || !t.to) continue;
      list.push({ at: new Date(t.at_ms), from: t.from as Stage, to: t.to as Stage });
    }
    if (list.length > 0) transitions.set(r.id, list);
  }
  return { counts, health, transitions };
}

/** How many records an engagement's chain holds and the hash at its head (for a final summary). */
export async function chainHead(
  db: Db | Trx,
  teamId: string,
  engagementId: string,
): Promise<{ count: number; headHash: string | null }> {
  const row = await db
    .selectFrom('decision_record')
    .select([
      sql<number>`count(*)::int`.as('count'),
      sql<string | null>`(array_agg(hash order by seq desc))[1]`.as('head'),
    ])
    .where('team_id', '=', teamId)
    .where('engagement_id', '=', engagementId)
    .executeTakeFirst();
  return { count: row?.count ?? 0, headHash: row?.head ?? null };
}

/** The refs of the engagement's approval requests withdrawn by its termination. */
export async function listTerminationWithdrawals(
  db: Db | Trx,
  teamId: string,
  engagementId: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('approval_request')
    .select('ref')
    .where('team_id', '=', teamId)
    .where('engagement_id', '=', engagementId)
    .where('status', '=', 'withdrawn')
    .where('withdrawn_reason', '=', 'terminated')
    .orderBy('requested_at')
    .execute();
  return rows.map((r) => r.ref);
}
