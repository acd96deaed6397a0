import { type Kysely, sql } from 'kysely';

// escalation_open_reached (20261202180000) was not used: GIN's "fast update" puts new entries
// in a pending list that every search reads in full until a vacuum merges it, so with 10,000
// escalations raised since the last vacuum (the bench's seed; a busy workspace between
// autovacuums) the index held 10,000 pending entries and the planner chose the sequential scan
// (3.0 ms, 384 buffers per App Home publish). Built again without fastupdate, every insert goes
// straight into the index (escalations are raised and climb rarely; App Home reads them on
// every publish): a bitmap scan of the recipient's entries, 0.7 ms and 69 buffers.
//
// engagement_listed: App Home and `/amos status` list the newest 40 engagements; the list
// sorted every engagement of the workspace for them (0.7 ms with 1,000). The index hands out
// the first 40 in order (the count of all is read apart, without the sort).
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index escalation_open_reached`.execute(db);
  await sql`create index escalation_open_reached on escalation using gin (reached_ids)
    with (fastupdate = off) where state = 'open'`.execute(db);
  await sql`create index engagement_listed on engagement (team_id, created_at desc, slug)`.execute(
    db,
  );
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index engagement_listed`.execute(db);
  await sql`drop index escalation_open_reached`.execute(db);
  await sql`create index escalation_open_reached on escalation using gin (reached_ids) where state = 'open'`.execute(
    db,
  );
}
