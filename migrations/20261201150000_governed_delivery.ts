import { type Kysely, sql } from 'kysely';

// Governed delivery (issue 9): change requests that amend a versioned scope, deliverables
// reviewed against each acceptance criterion, and stage reviews.
//
// References: stage checkpoints were numbered SR-n, which PRODUCT.md section 6 gives to stage
// reviews. Checkpoints become ST-n (same number); the old SR-n stays resolvable through
// `stage_checkpoint.legacy_ref` and an alias row in `item_ref`. The SR counter is kept, so stage
// reviews continue after the last legacy number and never reuse an old checkpoint's SR-n.
// `item_ref` holds every reference handed out from now on (and the legacy ones), one per
// engagement: the database refuses a second item with the same ref.

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
export async function up(db: Kysely<any>): Promise<void> {
  const now = sql`now()`;
  const id = 'uuid';
  const team = (name: string) =>
    db.schema
      .createTable(name)
      .addColumn('team_id', 'text', (c) => c.notNull().references('workspace.team_id'));

  await team('item_ref')
    .addColumn('engagement_id', id, (c) => c.notNull().references('engagement.id'))
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    // For a legacy alias: the ref it now stands for (SR-2 -> ST-2).
    .addColumn('alias_of', 'text')
    .addPrimaryKeyConstraint('item_ref_pk', ['engagement_id', 'ref'])
    .execute();

  await db.schema.alterTable('stage_checkpoint').addColumn('legacy_ref', 'text').execute();
  await sql`
    update stage_checkpoint set legacy_ref = ref, ref = 'ST-' || substring(ref from 4)
    where ref like 'SR-%'`.execute(db);
  await sql`
    create unique index stage_checkpoint_legacy_ref on stage_checkpoint (engagement_id, legacy_ref)
    where legacy_ref is not null`.execute(db);
  await sql`
    update engagement set ref_counters =
      ref_counters || jsonb_build_object('ST', coalesce((ref_counters->>'SR')::int, 0))`.execute(
    db,
  );

  // Every reference that exists today, so new ones cannot collide with them.
  for (const table of ['diagnostic', 'scope_item', 'stage_checkpoint', 'approval_request']) {
    await sql`
      insert into item_ref (team_id, engagement_id, ref, kind)
      select distinct team_id, engagement_id, ref, split_part(ref, '-', 1) from ${sql.table(table)}
      on conflict do nothing`.execute(db);
  }
  await sql`
    insert into item_ref (team_id, engagement_id, ref, kind, alias_of)
    select team_id, engagement_id, legacy_ref, 'ST', ref from stage_checkpoint
    where legacy_ref is not null
    on conflict do nothing`.execute(db);

  // Per-subject approval counts ({"change_request": 2}); absent means the engagement's count.
  await db.schema
    .alterTable('engagement')
    .addColumn('subject_approvals', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();

  await db.schema
    .alterTable('scope_item')
    .addColumn('done_at', 'timestamptz')
    .addColumn('done_by_ref', 'text')
    .execute();

  await team('scope_version')
    .addColumn('engagement_id', id, (c) => c.notNull().references('engagement.id'))
    .addColumn('version', 'integer', (c) => c.notNull().check(sql`version >= 1`))
    .addColumn('items', 'jsonb', (c) => c.notNull())
    .addColumn('change_ref', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('scope_version_pk', ['engagement_id', 'version'])
    .execute();

  await team('change_request')
    .addColumn('id', id, (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('engagement_id', id, (c) => c.notNull().references('engagement.id'))
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) =>
      c.notNull().check(sql`type in ('scope', 'timeline', 'tooling', 'process')`),
    )
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('impact', 'text', (c) => c.notNull())
    .addColumn('rationale', 'text', (c) => c.notNull())
    .addColumn('amendment', 'jsonb', (c) => c.notNull())
    .addColumn('approval_request_id', id, (c) => c.notNull().references('approval_request.id'))
    // The scope version the approved request made, once approved.
    .addColumn('scope_version', 'integer')
    .addColumn('raised_by', 'text', (c) => c.notNull())
    .addColumn('raised_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('change_request_ref', ['engagement_id', 'ref'])
    .execute();

  await team('deliverable')
    .addColumn('id', id, (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('engagement_id', id, (c) => c.notNull().references('engagement.id'))
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('scope_ref', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('waiting', 'accepted', 'returned')`),
    )
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('deliverable_ref', ['engagement_id', 'ref'])
    .execute();
  // At most one deliverable per scope item is waiting or accepted.
  await sql`
    create unique index deliverable_open_per_item on deliverable (engagement_id, scope_ref)
    where status <> 'returned'`.execute(db);

  await team('deliverable_version')
    .addColumn('deliverable_id', id, (c) => c.notNull().references('deliverable.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('link', 'text', (c) => c.notNull().check(sql`link like 'https://%'`))
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('submitted_by', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'timestamptz', (c) => c.notNull())
    .addColumn('verdict', 'text', (c) => c.check(sql`verdict in ('accepted', 'returned')`))
    .addColumn('reviewed_by', 'text')
    .addColumn('reviewed_at', 'timestamptz')
    .addPrimaryKeyConstraint('deliverable_version_pk', ['deliverable_id', 'version'])
    .execute();

  await team('criterion_result')
    .addColumn('deliverable_id', id, (c) => c.notNull().references('deliverable.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('criterion', 'text', (c) => c.notNull())
    .addColumn('met', 'boolean', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addPrimaryKeyConstraint('criterion_result_pk', ['deliverable_id', 'version', 'position'])
    .execute();

  await team('stage_review')
    .addColumn('id', id, (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('engagement_id', id, (c) => c.notNull().references('engagement.id'))
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('checkpoint_ref', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('approval_request_id', id, (c) => c.notNull().references('approval_request.id'))
    .addColumn('submitted_by', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addUniqueConstraint('stage_review_ref', ['engagement_id', 'ref'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'stage_review',
    'criterion_result',
    'deliverable_version',
    'deliverable',
    'change_request',
    'scope_version',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema
    .alterTable('scope_item')
    .dropColumn('done_at')
    .dropColumn('done_by_ref')
    .execute();
  await db.schema.alterTable('engagement').dropColumn('subject_approvals').execute();
  await sql`update stage_checkpoint set ref = legacy_ref where legacy_ref is not null`.execute(db);
  await sql`drop index stage_checkpoint_legacy_ref`.execute(db);
  await db.schema.alterTable('stage_checkpoint').dropColumn('legacy_ref').execute();
  await db.schema.dropTable('item_ref').execute();
}
