import { type Insertable, type Selectable, sql } from 'kysely';
import { FINAL_STAGES } from '../domain/engagement.js';
import type { Severity } from '../domain/risk.js';
import type { Db, Trx } from './database.js';
import type { EscalationTable, GovernanceMessageTable, RiskTable } from './tables.js';

// Risks (RK-n), escalations (ES-n) and the Slack messages showing them. Plain functions; a write
// or a lock takes the change's transaction. Every query is scoped to the team.

export type RiskRow = Selectable<RiskTable>;
export type EscalationRow = Selectable<EscalationTable>;
export type GovernanceMessageRow = Selectable<GovernanceMessageTable>;
export type GovernanceSubject = GovernanceMessageTable['subject_type'];

export async function insertRisk(trx: Trx, row: Insertable<RiskTable>): Promise<RiskRow> {
  return trx.insertInto('risk').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function insertEscalation(
  trx: Trx,
  row: Insertable<EscalationTable>,
): Promise<EscalationRow> {
  return trx.insertInto('escalation').values(row).returningAll().executeTakeFirstOrThrow();
}

/** The risk or escalation a modal already produced (a double submission), if any. */
export async function findByForm(
  db: Db | Trx,
  teamId: string,
  table: 'risk' | 'escalation',
  formId: string,
): Promise<{ id: string; ref: string; engagement_id: string } | undefined> {
  return db
    .selectFrom(table)
    .select(['id', 'ref', 'engagement_id'])
    .where('team_id', '=', teamId)
    .where('form_id', '=', formId)
    .executeTakeFirst();
}

export async function lockRiskByRef(trx: Trx, teamId: string, engagementId: string, ref: string) {
  return trx
    .selectFrom('risk')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('engagement_id', '=', engagementId)
    .where('ref', '=', ref)
    .forUpdate()
    .executeTakeFirst();
}

export async function lockRisk(trx: Trx, teamId: string, riskId: string) {
  return trx
    .selectFrom('risk')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('id', '=', riskId)
    .forUpdate()
    .executeTakeFirst();
}

export async function findRisk(db: Db | Trx, teamId: string, riskId: string) {
  return db
    .selectFrom('risk')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('id', '=', riskId)
    .executeTakeFirst();
}

export async function setRiskState(
  trx: Trx,
  risk: RiskRow,
  set: { state: RiskRow['state']; by: string; now: Date; escalationId?: string },
): Promise<void> {
  await trx
    .updateTable('risk')
    .set({
      state: set.state,
      updated_by: set.by,
      updated_at: set.now,
      ...(set.escalationId ? { escalation_id: set.escalationId } : {}),
    })
    .where('team_id', '=', risk.team_id)
    .where('id', '=', risk.id)
    .execute();
}

export async function lockEscalation(trx: Trx, teamId: string, escalationId: string) {
  return trx
    .selectFrom('escalation')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('id', '=', escalationId)
    .forUpdate()
    .executeTakeFirst();
}

export async function findEscalation(db: Db | Trx, teamId: string, escalationId: string) {
  return db
    .selectFrom('escalation')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('id', '=', escalationId)
    .executeTakeFirst();
}

export async function updateEscalation(
  trx: Trx,
  escalation: EscalationRow,
  set: Partial<
    Pick<
      EscalationRow,
      | 'state'
      | 'level'
      | 'step'
      | 'level_since'
      | 'due_at'
      | 'reached_ids'
      | 'acted_by'
      | 'acted_at'
    >
  > & { now: Date },
): Promise<void> {
  const { now, ...rest } = set;
  await trx
    .updateTable('escalation')
    .set({ ...rest, updated_at: now })
    .where('team_id', '=', escalation.team_id)
    .where('id', '=', escalation.id)
    .execute();
}

export async function rememberMessage(
  db: Db | Trx,
  row: Insertable<GovernanceMessageTable>,
): Promise<void> {
  await db
    .insertInto('governance_message')
    .values(row)
    .onConflict((oc) => oc.columns(['subject_id', 'channel_id', 'ts']).doNothing())
    .execute();
}

export async function listMessages(
  db: Db | Trx,
  teamId: string,
  subjectId: string,
): Promise<GovernanceMessageRow[]> {
  return db
    .selectFrom('governance_message')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('subject_id', '=', subjectId)
    .execute();
}

/** An open escalation sent to someone, or an open risk they may move, as App Home lists it. */
export interface WaitingGovernanceRow {
  readonly kind: 'escalation' | 'risk';
  readonly id: string;
  readonly ref: string;
  readonly slug: string;
  readonly severity: Severity;
  readonly engagement_id: string;
  readonly raised_by: string;
  /** Escalations only (null for a risk). */
  readonly needed: string | null;
  readonly level: number | null;
  readonly due_at: Date | null;
  /** Risks only (null for an escalation). */
  readonly title: string | null;
  readonly state: string;
}

/**
 * `escalationsReaching` and `risksOwnedBy` (none, the person's own, or all) in one statement,
 * each its first 50 in its own order (kept by `ord`), as plain columns (timestamps parsed as
 * every other read parses them). `@>` (not `= any(...)`) so the partial GIN index
 * escalation_open_reached answers the escalations.
 */
export async function governanceWaitingRows(
  db: Db | Trx,
  teamId: string,
  userId: string,
  risks: 'none' | 'own' | 'all',
): Promise<{ escalations: WaitingGovernanceRow[]; risks: WaitingGovernanceRow[] }> {
  const final = [...FINAL_STAGES];
  const riskPart =
    risks === 'none'
      ? sql``
      : sql`union all
    (select 'risk' as kind, row_number() over (order by r.raised_at) as ord, r.id, r.ref, e.slug,
        r.severity, r.engagement_id, r.raised_by, null as needed, null::int as level,
        null::timestamptz as due_at, r.title, r.state
      from risk r join engagement e on e.id = r.engagement_id and e.team_id = ${teamId}
      where r.team_id = ${teamId} and r.state <> 'closed' and e.stage <> all(${final})
        ${risks === 'own' ? sql`and r.owner_id = ${userId}` : sql``}
      order by r.raised_at limit 50)`;
  const { rows } = await sql<WaitingGovernanceRow & { ord: string }>`
    select * from ((select 'escalation' as kind, row_number() over (order by x.raised_at) as ord, x.id, x.ref,
        e.slug, x.severity, x.engagement_id, x.raised_by, x.needed, x.level, x.due_at,
        null as title, x.state
      from escalation x join engagement e on e.id = x.engagement_id and e.team_id = ${teamId}
      where x.team_id = ${teamId} and x.state = 'open' and e.stage <> all(${final})
        and x.reached_ids @> array[${userId}]::text[]
      order by x.raised_at limit 50)
    ${riskPart}) w
    order by kind, ord`.execute(db);
  return {
    escalations: rows.filter((r) => r.kind === 'escalation'),
    risks: rows.filter((r) => r.kind === 'risk'),
  };
}
