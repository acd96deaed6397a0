import { type Kysely, sql } from 'kysely';

// The scheduler's due moments, stored when the change that makes them due commits, so a tick
// reads only what is due (the partial index), never every engagement; and the Slack profile
// fields the scheduler needs (time zone), cached per user with the time they were read.
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('scheduled_reminder')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull().references('workspace.team_id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('engagement_id', 'uuid', (c) => c.references('engagement.id'))
    // The approval request, scope item, stage checkpoint or (weekly digest) executive it is about.
    .addColumn('subject_id', 'text', (c) => c.notNull())
    // null: the due moment itself, which fans out to its recipients when it comes;
    // 'U…': a DM to that person; 'C…': a post in that channel.
    .addColumn('recipient', 'text')
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    // When it may go: the due moment, or later when deferred into the recipient's working hours.
    .addColumn('send_at', 'timestamptz', (c) => c.notNull())
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending', 'done', 'sent', 'dropped', 'cancelled')`),
    )
    .addColumn('outcome', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await sql`create index scheduled_reminder_due on scheduled_reminder (send_at)
            where status = 'pending'`.execute(db);
  await sql`create index scheduled_reminder_subject on scheduled_reminder (team_id, subject_id)
            where status = 'pending'`.execute(db);

  await db.schema
    .createTable('slack_user')
    .addColumn('team_id', 'text', (c) => c.notNull().references('workspace.team_id'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text')
    .addColumn('fetched_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('slack_user_pk', ['team_id', 'user_id'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('slack_user').execute();
  await db.schema.dropTable('scheduled_reminder').execute();
}
