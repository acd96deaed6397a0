import { type Kysely, sql } from 'kysely';

// The admins of a workspace are read by every change (for the "ask an admin" refusal text):
// without this index that was a scan of all the workspace's role grants (11 buffers, 0.24-0.39
// ms with 2,000 people; 3 buffers, 0.04 ms with it; bench/FINDINGS.md).
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index role_grant_role on role_grant (team_id, role, user_id)`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index role_grant_role`.execute(db);
}
