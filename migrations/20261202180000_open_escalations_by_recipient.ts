import { type Kysely, sql } from 'kysely';

// What waits on a person in App Home includes the open escalations that reached them
// (`reached_ids @> array[user]`): without an index that read every open escalation of the
// workspace on every App Home publish (3.0 ms and 384 buffers with 10,000 open in the bench).
// A partial GIN index holds only the open ones.
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index escalation_open_reached on escalation using gin (reached_ids) where state = 'open'`.execute(
    db,
  );
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index escalation_open_reached`.execute(db);
}
