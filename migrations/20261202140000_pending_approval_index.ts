import { type Kysely, sql } from 'kysely';

// The waiting list (`/amos approve`, every App Home) reads the workspace's pending requests
// oldest first, and the App Home fan-out after a vote counts, per person, the pending requests
// older than the one voted on: both scanned every request of the workspace (decided ones
// included, which grow without bound). A partial index holds only the pending ones, in the
// list's order (bench/FINDINGS.md).
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index approval_request_pending on approval_request (team_id, requested_at, ref) where status = 'pending'`.execute(
    db,
  );
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index approval_request_pending`.execute(db);
}
