import { type Kysely, sql } from 'kysely';

// Stop authority (issue 10): why and by whom an engagement was paused or terminated, kept on
// the engagement so every partner refusal can say it without reading the decision record; and
// the reason an approval request was withdrawn (a send-back, or a termination), so its copies
// say which. The partial index serves App Home's time-at-each-gate figures: only the lifecycle
// transition records of the engagements shown are read.

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('engagement')
    .addColumn('halt_reason', 'text')
    .addColumn('halted_by', 'text')
    .addColumn('halted_at', 'timestamptz')
    .execute();
  await db.schema.alterTable('approval_request').addColumn('withdrawn_reason', 'text').execute();
  await sql`
    create index decision_record_transition on decision_record (team_id, engagement_id, seq)
    where kind like 'engagement.%'`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index decision_record_transition`.execute(db);
  await db.schema.alterTable('approval_request').dropColumn('withdrawn_reason').execute();
  await db.schema
    .alterTable('engagement')
    .dropColumn('halt_reason')
    .dropColumn('halted_by')
    .dropColumn('halted_at')
    .execute();
}
