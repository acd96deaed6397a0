import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('workspace')
    .addColumn('team_id', 'text', (c) => c.primaryKey())
    .addColumn('team_name', 'text')
    .addColumn('bot_user_id', 'text')
    .addColumn('bot_id', 'text')
    .addColumn('bot_token_encrypted', 'text')
    .addColumn('installed_by', 'text')
    .addColumn('installed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('slack_event_receipt')
    .addColumn('team_id', 'text', (c) => c.notNull().references('workspace.team_id'))
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('slack_event_receipt_pk', ['team_id', 'event_id'])
    .execute();
  await db.schema
    .createIndex('slack_event_receipt_received_at')
    .on('slack_event_receipt')
    .column('received_at')
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('slack_event_receipt').execute();
  await db.schema.dropTable('workspace').execute();
}
