import { type Kysely, sql } from 'kysely';

// An approval request can be withdrawn: when the Diagnostic outputs are sent back to draft,
// every request still pending is closed without a decision, with who withdrew it.
// The status check was created unnamed on the column, so it is found by its definition.

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
async function dropStatusChecks(db: Kysely<any>): Promise<void> {
  const { rows } = await sql<{ conname: string }>`
    select conname from pg_constraint
    where conrelid = 'approval_request'::regclass
      and contype = 'c'
      and pg_get_constraintdef(oid) like '%status%'`.execute(db);
  for (const { conname } of rows) {
    await sql`alter table approval_request drop constraint ${sql.id(conname)}`.execute(db);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
export async function up(db: Kysely<any>): Promise<void> {
  await dropStatusChecks(db);
  await sql`
    alter table approval_request add constraint approval_request_status
    check (status in ('pending', 'approved', 'rejected', 'withdrawn'))`.execute(db);
  await db.schema.alterTable('approval_request').addColumn('withdrawn_by', 'text').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('approval_request').dropColumn('withdrawn_by').execute();
  await dropStatusChecks(db);
  await sql`
    alter table approval_request add constraint approval_request_status
    check (status in ('pending', 'approved', 'rejected'))`.execute(db);
}
