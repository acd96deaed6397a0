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

/** Stores an OAuth installation (already encrypted) and the bot identity; the installer is recorded once. */
export async function saveInstallation(
  db: Db,
  ws: WorkspaceIdentity & { installedBy: string | null; installationEncrypted: string },
): Promise<void> {
  await db
    .insertInto('workspace')
    .values({
      team_id: ws.teamId,
      team_name: ws.teamName,
      bot_user_id: ws.botUserId,
      bot_id: ws.botId,
      installed_by: ws.installedBy,
      installation_encrypted: ws.installationEncrypted,
    })
    .onConflict((oc) =>
      oc.column('team_id').doUpdateSet((eb) => ({
        team_name: ws.teamName,
        bot_user_id: ws.botUserId,
        bot_id: ws.botId,
        installation_encrypted: ws.installationEncrypted,
        installed_by: eb.fn.coalesce('workspace.installed_by', eb.val(ws.installedBy)),
        uninstalled_at: null,
        updated_at: new Date(),
      })),
    )
    .execute();
}

/** The encrypted installation of a workspace that has not uninstalled the app. */
export async function findInstallation(db: Db, teamId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('workspace')
    .select('installation_encrypted')
    .where('team_id', '=', teamId)
    .where('uninstalled_at', 'is', null)
    .executeTakeFirst();
  return row?.installation_encrypted ?? undefined;
}

/** Forgets the installation's tokens (app uninstalled); the workspace's records stay. */
export async function markUninstalled(db: Db, teamId: string, at: Date): Promise<void> {
  await db
    .updateTable('workspace')
    .set({ installation_encrypted: null, uninstalled_at: at })
    .where('team_id', '=', teamId)
    .execute();
}
