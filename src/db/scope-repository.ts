import type { Selectable } from 'kysely';
import type { Db, Trx } from './database.js';
import type { ScopeItemTable, StageCheckpointTable } from './tables.js';

export type ScopeItemRow = Selectable<ScopeItemTable>;
export type StageCheckpointRow = Selectable<StageCheckpointTable>;

/** The scope items (SC-n) of an engagement, oldest first. */
export async function listScopeItems(
  db: Db | Trx,
  teamId: string,
  engagementId: string,
): Promise<ScopeItemRow[]> {
  return db
    .selectFrom('scope_item')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('engagement_id', '=', engagementId)
    .orderBy('created_at')
    .orderBy('ref')
    .execute();
}

/** The stage checkpoints (ST-n) of an engagement, by date then ref. */
export async function listStageCheckpoints(
  db: Db | Trx,
  teamId: string,
  engagementId: string,
): Promise<StageCheckpointRow[]> {
  return db
    .selectFrom('stage_checkpoint')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('engagement_id', '=', engagementId)
    .orderBy('due_date')
    .orderBy('created_at')
    .execute();
}

/** Inserts a scope item in the caller's transaction (the engagement row is locked by then). */
export async function insertScopeItem(
  trx: Trx,
  item: {
    teamId: string;
    engagementId: string;
    ref: string;
    title: string;
    criteria: readonly string[];
    dueDate: string;
    authorId: string;
    now: Date;
  },
): Promise<ScopeItemRow> {
  return trx
    .insertInto('scope_item')
    .values({
      team_id: item.teamId,
      engagement_id: item.engagementId,
      ref: item.ref,
      title: item.title,
      criteria: JSON.stringify(item.criteria),
      due_date: item.dueDate,
      author_id: item.authorId,
      created_at: item.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Inserts a stage checkpoint in the caller's transaction (the engagement row is locked by then). */
export async function insertStageCheckpoint(
  trx: Trx,
  stage: {
    teamId: string;
    engagementId: string;
    ref: string;
    name: string;
    dueDate: string;
    authorId: string;
    now: Date;
  },
): Promise<StageCheckpointRow> {
  return trx
    .insertInto('stage_checkpoint')
    .values({
      team_id: stage.teamId,
      engagement_id: stage.engagementId,
      ref: stage.ref,
      name: stage.name,
      due_date: stage.dueDate,
      author_id: stage.authorId,
      created_at: stage.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
