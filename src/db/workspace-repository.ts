import type { Db } from './database.js';

export interface WorkspaceIdentity {
  teamId: string;
  teamName: string | null;
  botUserId: string | null;
  botId: string | null;
}

/** Creates the workspace row or refreshes its bot identity; never clears a stored token. */
export async function upsertWorkspace(db: Db, ws: WorkspaceIdentity): Promise<void> {
  await db
    .insertInto('workspace')
    .values({
      team_id: ws.teamId,
      team_name: ws.teamName,
      bot_user_id: ws.botUserId,
      bot_id: ws.botId,
    })
    .onConflict((oc) =>
      oc.column('team_id').doUpdateSet({
        team_name: ws.teamName,
        bot_user_id: ws.botUserId,
        bot_id: ws.botId,
        updated_at: new Date(),
      }),
    )
    .execute();
}

export async function findWorkspace(db: Db, teamId: string) {
  return db.selectFrom('workspace').selectAll().where('team_id', '=', teamId).executeTakeFirst();
}

/** Records an Events API delivery; true the first time this (team, event_id) is seen. */
export async function claimEventReceipt(
  db: Db,
  teamId: string,
  eventId: string,
  eventType: string,
): Promise<boolean> {
  const inserted = await db
    .insertInto('slack_event_receipt')
    .values({ team_id: teamId, event_id: eventId, event_type: eventType })
    .onConflict((oc) => oc.columns(['team_id', 'event_id']).doNothing())
    .returning('event_id')
    .executeTakeFirst();
  return inserted !== undefined;
}
