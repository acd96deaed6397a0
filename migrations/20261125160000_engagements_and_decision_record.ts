import { type Kysely, sql } from 'kysely';

// Frozen in time: never edit after it lands; change the schema with a new migration.
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
export async function up(db: Kysely<any>): Promise<void> {
  const teamColumn = (name: string) =>
    db.schema
      .createTable(name)
      .addColumn('team_id', 'text', (c) => c.notNull().references('workspace.team_id'));
  const id = 'uuid';
  const now = sql`now()`;

  await teamColumn('role_grant')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) =>
      c.notNull().check(sql`role in ('admin', 'executive', 'operator', 'partner')`),
    )
    .addColumn('granted_by', 'text', (c) => c.notNull())
    .addColumn('granted_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('role_grant_pk', ['team_id', 'user_id', 'role'])
    .execute();

  await teamColumn('partner_org')
    .addColumn('id', id, (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await sql`create unique index partner_org_name on partner_org (team_id, lower(name))`.execute(db);

  await teamColumn('partner_member')
    .addColumn('partner_org_id', id, (c) => c.notNull().references('partner_org.id'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('added_by', 'text', (c) => c.notNull())
    .addColumn('added_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('partner_member_pk', ['partner_org_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('partner_member_user')
    .on('partner_member')
    .columns(['team_id', 'user_id'])
    .execute();

  await teamColumn('fit_assessment')
    .addColumn('id', id, (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partner_org_id', id, (c) => c.notNull().references('partner_org.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('answers', 'jsonb', (c) => c.notNull())
    .addColumn('verdict', 'text', (c) =>
      c.notNull().check(sql`verdict in ('fit', 'not_fit', 'needs_conversation')`),
    )
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('assessed_by', 'text', (c) => c.notNull())
    .addColumn('assessed_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('fit_assessment_version', ['partner_org_id', 'version'])
    .execute();

  await teamColumn('engagement')
    .addColumn('id', id, (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('client', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull().defaultTo('draft'))
    .addColumn('required_approvals', 'integer', (c) =>
      c.notNull().defaultTo(1).check(sql`required_approvals >= 1`),
    )
    .addColumn('sponsor_ids', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('operator_id', 'text', (c) => c.notNull())
    .addColumn('partner_org_id', id, (c) => c.references('partner_org.id'))
    .addColumn('partner_channel_id', 'text')
    .addColumn('escalation_path', 'jsonb', (c) =>
      c.notNull().defaultTo(sql`'{"level1":[],"level2":[],"level3":[]}'::jsonb`),
    )
    .addColumn('ref_counters', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('engagement_slug', ['team_id', 'slug'])
    .execute();
  await db.schema
    .createIndex('engagement_partner_channel')
    .on('engagement')
    .columns(['team_id', 'partner_channel_id'])
    .execute();

  await teamColumn('diagnostic')
    .addColumn('id', id, (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('engagement_id', id, (c) => c.notNull().references('engagement.id'))
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('priorities', 'jsonb', (c) => c.notNull())
    .addColumn('scores', 'jsonb', (c) => c.notNull())
    .addColumn('findings', 'text', (c) => c.notNull())
    .addColumn('recommended_scope', 'text', (c) => c.notNull())
    .addColumn('author_id', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'timestamptz', (c) => c.notNull())
    .addColumn('frozen_at', 'timestamptz')
    .addUniqueConstraint('diagnostic_version', ['engagement_id', 'version'])
    .execute();

  await teamColumn('scope_item')
    .addColumn('id', id, (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('engagement_id', id, (c) => c.notNull().references('engagement.id'))
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('due_date', 'date')
    .addColumn('criteria', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('author_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('scope_item_ref', ['engagement_id', 'ref'])
    .execute();

  await teamColumn('stage_checkpoint')
    .addColumn('id', id, (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('engagement_id', id, (c) => c.notNull().references('engagement.id'))
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('due_date', 'date')
    .addColumn('author_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('stage_checkpoint_ref', ['engagement_id', 'ref'])
    .execute();

  await teamColumn('approval_request')
    .addColumn('id', id, (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('engagement_id', id, (c) => c.notNull().references('engagement.id'))
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('required_approvals', 'integer', (c) => c.notNull())
    .addColumn('requester_ids', sql`text[]`, (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('pending').check(sql`status in ('pending', 'approved', 'rejected')`),
    )
    .addColumn('votes', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
    .addColumn('decided_at', 'timestamptz')
    .addUniqueConstraint('approval_request_ref', ['engagement_id', 'ref'])
    .execute();

  // Every copy of an approval request posted in Slack, so all are updated when it is decided.
  await teamColumn('approval_message')
    .addColumn('approval_request_id', id, (c) => c.notNull().references('approval_request.id'))
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('ts', 'text', (c) => c.notNull())
    .addColumn('recipient_id', 'text')
    .addPrimaryKeyConstraint('approval_message_pk', ['approval_request_id', 'channel_id', 'ts'])
    .execute();

  await teamColumn('charter_ack')
    .addColumn('engagement_id', id, (c) => c.notNull().references('engagement.id'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('charter_version', 'integer', (c) => c.notNull())
    .addColumn('acked_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('charter_ack_pk', ['engagement_id', 'user_id'])
    .execute();

  await teamColumn('decision_record')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('engagement_id', id, (c) => c.references('engagement.id'))
    .addColumn('chain_key', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('actor_role', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject_ref', 'text')
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('details', 'jsonb', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addUniqueConstraint('decision_record_seq', ['chain_key', 'seq'])
    .execute();
  await db.schema
    .createIndex('decision_record_engagement')
    .on('decision_record')
    .columns(['team_id', 'engagement_id', 'seq'])
    .execute();

  // The decision record is append-only: the database itself refuses UPDATE, DELETE and TRUNCATE.
  await sql`
    create function decision_record_is_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'decision_record is append-only: % is not allowed', tg_op
        using errcode = 'insufficient_privilege';
    end $$`.execute(db);
  await sql`
    create trigger decision_record_no_update_delete before update or delete on decision_record
    for each row execute function decision_record_is_append_only()`.execute(db);
  await sql`
    create trigger decision_record_no_truncate before truncate on decision_record
    for each statement execute function decision_record_is_append_only()`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'decision_record',
    'charter_ack',
    'approval_message',
    'approval_request',
    'stage_checkpoint',
    'scope_item',
    'diagnostic',
    'engagement',
    'fit_assessment',
    'partner_member',
    'partner_org',
    'role_grant',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await sql`drop function decision_record_is_append_only()`.execute(db);
}
