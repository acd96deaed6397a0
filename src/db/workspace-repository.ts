import { sql } from 'kysely';
import type { Db, Trx } from './database.js';

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

/** Stores an OAuth installation (already encrypted) and the bot identity; the installer is recorded once. */
export async function saveInstallation(
  db: Db,
  ws: WorkspaceIdentity & {
    installedBy: string | null;
    installationEncrypted: string;
    keyFingerprint: string;
  },
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
      installation_key_fingerprint: ws.keyFingerprint,
    })
    .onConflict((oc) =>
      oc.column('team_id').doUpdateSet((eb) => ({
        team_name: ws.teamName,
        bot_user_id: ws.botUserId,
        bot_id: ws.botId,
        installation_encrypted: ws.installationEncrypted,
        installation_key_fingerprint: ws.keyFingerprint,
        installed_by: eb.fn.coalesce('workspace.installed_by', eb.val(ws.installedBy)),
        uninstalled_at: null,
        updated_at: new Date(),
      })),
    )
    .execute();
}

export interface SealedInstallation {
  teamId: string;
  sealed: string;
  /** Of the key that sealed it; null for rows stored before fingerprints were kept. */
  keyFingerprint: string | null;
}

/** The encrypted installation of a workspace that has not uninstalled the app. */
export async function findInstallation(
  db: Db,
  teamId: string,
): Promise<SealedInstallation | undefined> {
  const row = await db
    .selectFrom('workspace')
    .select(['installation_encrypted', 'installation_key_fingerprint'])
    .where('team_id', '=', teamId)
    .where('uninstalled_at', 'is', null)
    .executeTakeFirst();
  if (!row?.installation_encrypted) return undefined;
  return {
    teamId,
    sealed: row.installation_encrypted,
    keyFingerprint: row.installation_key_fingerprint,
  };
}

/**
 * Every stored installation, across workspaces: only the start-up key check reads them all.
 * Takes the transaction-scoped advisory lock first, so instances starting together check
 * (and rotate) one after the other.
 */
export async function lockAllInstallations(trx: Trx): Promise<SealedInstallation[]> {
  await sql`select pg_advisory_xact_lock(hashtext('amos:installation-key'))`.execute(trx);
  const rows = await trx
    .selectFrom('workspace')
    .select(['team_id', 'installation_encrypted', 'installation_key_fingerprint'])
    .where('installation_encrypted', 'is not', null)
    .orderBy('team_id')
    .forUpdate()
    .execute();
  return rows.map((r) => ({
    teamId: r.team_id,
    sealed: r.installation_encrypted ?? '',
    keyFingerprint: r.installation_key_fingerprint,
  }));
}

/** Replaces an installation's ciphertext (a key rotation) and records which key sealed it. */
export async function resealInstallation(
  trx: Trx,
  teamId: string,
  sealed: string,
  keyFingerprint: string,
): Promise<void> {
  await trx
    .updateTable('workspace')
    .set({ installation_encrypted: sealed, installation_key_fingerprint: keyFingerprint })
    .where('team_id', '=', teamId)
    .execute();
}

/** Forgets the installation's tokens (app uninstalled); the workspace's records stay. */
export async function markUninstalled(db: Db, teamId: string, at: Date): Promise<void> {
  await db
    .updateTable('workspace')
    .set({ installation_encrypted: null, installation_key_fingerprint: null, uninstalled_at: at })
    .where('team_id', '=', teamId)
    .execute();
}
