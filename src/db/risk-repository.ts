import { type Insertable, type Selectable, sql } from 'kysely';
import { FINAL_STAGES } from '../domain/engagement.js';
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

/** The engagement's risks that are not closed, and its escalations that are not resolved. */
export async function listOpenItems(
  db: Db | Trx,
  teamId: string,
  engagementIds: readonly string[],
) {
  if (engagementIds.length === 0) return { risks: [], escalations: [] };
  const [risks, escalations] = await Promise.all([
    db
      .selectFrom('risk')
      .selectAll()
      .where('team_id', '=', teamId)
      .where('engagement_id', 'in', [...engagementIds])
      .where('state', '<>', 'closed')
      .orderBy('raised_at')
      .execute(),
    db
      .selectFrom('escalation')
      .selectAll()
      .where('team_id', '=', teamId)
      .where('engagement_id', 'in', [...engagementIds])
      .where('state', '<>', 'resolved')
      .orderBy('raised_at')
      .execute(),
  ]);
  return { risks, escalations };
}

/**
 * Open escalations someone has been sent (theirs to acknowledge), oldest first; not those of a
 * completed or terminated engagement (they no longer climb or wait on anyone).
 */
export async function escalationsReaching(db: Db | Trx, teamId: string, userId: string) {
  return (
    db
      .selectFrom('escalation')
      .innerJoin('engagement', (j) =>
        j
          .onRef('engagement.id', '=', 'escalation.engagement_id')
          .on('engagement.team_id', '=', teamId),
      )
      .selectAll('escalation')
      .select('engagement.slug')
      .where('escalation.team_id', '=', teamId)
      .where('escalation.state', '=', 'open')
      .where('engagement.stage', 'not in', [...FINAL_STAGES])
      // `@>` (not `= any(...)`) so the partial GIN index escalation_open_reached answers it.
      .where(sql<boolean>`escalation.reached_ids @> array[${userId}]::text[]`)
      .orderBy('escalation.raised_at')
      .limit(50)
      .execute()
  );
}

/** Risks not closed of the running engagements whose operator is `userId`, or of all when `all`. */
export async function risksOwnedBy(db: Db | Trx, teamId: string, userId: string, all: boolean) {
  let query = db
    .selectFrom('risk')
    .innerJoin('engagement', (j) =>
      j.onRef('engagement.id', '=', 'risk.engagement_id').on('engagement.team_id', '=', teamId),
    )
    .selectAll('risk')
    .select('engagement.slug')
    .where('risk.team_id', '=', teamId)
    .where('risk.state', '<>', 'closed')
    .where('engagement.stage', 'not in', [...FINAL_STAGES]);
  if (!all) query = query.where('risk.owner_id', '=', userId);
  return query.orderBy('risk.raised_at').limit(50).execute();
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

/**
 * Per engagement, its open high or critical risks (not mitigated or closed) and its escalations
 * nobody has acknowledged yet: one statement for all the engagements App Home shows.
 */
export async function governanceHealth(
  db: Db | Trx,
  teamId: string,
  engagementIds: readonly string[],
): Promise<Map<string, { openSevereRisks: number; unacknowledgedEscalations: number }>> {
  const health = new Map<string, { openSevereRisks: number; unacknowledgedEscalations: number }>();
  if (engagementIds.length === 0) return health;
  const rows = await db
    .selectFrom('risk')
    .select(['engagement_id', sql<string>`'risk'`.as('kind'), sql<number>`count(*)::int`.as('n')])
    .where('team_id', '=', teamId)
    .where('engagement_id', 'in', [...engagementIds])
    .where('severity', 'in', ['high', 'critical'])
    .where('state', 'in', ['open', 'acknowledged'])
    .groupBy('engagement_id')
    .unionAll(
      db
        .selectFrom('escalation')
        .select([
          'engagement_id',
          sql<string>`'escalation'`.as('kind'),
          sql<number>`count(*)::int`.as('n'),
        ])
        .where('team_id', '=', teamId)
        .where('engagement_id', 'in', [...engagementIds])
        .where('state', '=', 'open')
        .groupBy('engagement_id'),
    )
    .execute();
  for (const row of rows) {
    const entry = health.get(row.engagement_id) ?? {
      openSevereRisks: 0,
      unacknowledgedEscalations: 0,
    };
    if (row.kind === 'risk') entry.openSevereRisks = row.n;
    else entry.unacknowledgedEscalations = row.n;
    health.set(row.engagement_id, entry);
  }
  return health;
}
