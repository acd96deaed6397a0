import { type Kysely, sql } from 'kysely';

// A partner-facing reminder of a paused engagement is held (status 'held'), neither sent nor
// dropped, until the engagement is active again. A tick releases held rows whose engagement is
// no longer paused: the partial index keeps that to the held rows, never every engagement.
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table scheduled_reminder drop constraint scheduled_reminder_status_check`.execute(
    db,
  );
  await sql`alter table scheduled_reminder add constraint scheduled_reminder_status_check
            check (status in ('pending', 'held', 'done', 'sent', 'dropped', 'cancelled'))`.execute(
    db,
  );
  await sql`create index scheduled_reminder_held on scheduled_reminder (engagement_id)
            where status = 'held'`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index scheduled_reminder_held`.execute(db);
  await sql`update scheduled_reminder set status = 'pending' where status = 'held'`.execute(db);
  await sql`alter table scheduled_reminder drop constraint scheduled_reminder_status_check`.execute(
    db,
  );
  await sql`alter table scheduled_reminder add constraint scheduled_reminder_status_check
            check (status in ('pending', 'done', 'sent', 'dropped', 'cancelled'))`.execute(db);
}
