import type { Kysely } from 'kysely';

// Which AMOS_ENCRYPTION_KEY encrypted each installation (an HMAC of the key, never the key),
// so a start with another key is refused and a rotation knows what to re-encrypt. Rows
// written before this column have none; the first start works it out by decrypting.
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('workspace')
    .addColumn('installation_key_fingerprint', 'text')
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('workspace').dropColumn('installation_key_fingerprint').execute();
}
