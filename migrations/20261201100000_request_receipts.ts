import { type Kysely, sql } from 'kysely';

// One row per signed Slack request that changed something: its identity (a hash of the
// request signature, or the trigger id in Socket Mode) is stored inside the change's own
// transaction, so a replayed request conflicts on the primary key and rolls back.
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('request_receipt')
    .addColumn('request_key', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('request_receipt_received_at')
    .on('request_receipt')
    .column('received_at')
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('request_receipt').execute();
}
