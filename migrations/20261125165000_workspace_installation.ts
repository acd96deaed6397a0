import type { Kysely } from 'kysely';

// OAuth installs keep the whole installation (bot token, scopes, installer) encrypted.
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('workspace').addColumn('installation_encrypted', 'text').execute();
  await db.schema.alterTable('workspace').addColumn('uninstalled_at', 'timestamptz').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('workspace').dropColumn('uninstalled_at').execute();
  await db.schema.alterTable('workspace').dropColumn('installation_encrypted').execute();
}
