import { type Kysely, sql } from 'kysely';

// Risks and escalations (issue 10): RK-n risks moved open -> acknowledged -> mitigated -> closed,
// ES-n escalations climbing the engagement's escalation path, and the Slack messages showing
// either (DMs with buttons), stored so they are updated in place when the item moves.
// `form_id` is the modal a risk or escalation was submitted from: a double submission of the same
// modal finds the first one instead of raising a second.

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
export async function up(db: Kysely<any>): Promise<void> {
  const id = 'uuid';
  const team = (name: string) =>
    db.schema
      .createTable(name)
      .addColumn('team_id', 'text', (c) => c.notNull().references('workspace.team_id'));
  const severity = sql`severity in ('low', 'medium', 'high', 'critical')`;

  await team('escalation')
    .addColumn('id', id, (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('engagement_id', id, (c) => c.notNull().references('engagement.id'))
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) =>
      c.notNull().check(sql`category in ('scope', 'quality', 'timeline', 'risk')`),
    )
    .addColumn('severity', 'text', (c) => c.notNull().check(severity))
    .addColumn('needed', 'text', (c) => c.notNull())
    .addColumn('by_when', 'text')
    .addColumn('state', 'text', (c) =>
      c.notNull().check(sql`state in ('open', 'acknowledged', 'resolved')`),
    )
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('step', 'integer', (c) => c.notNull().defaultTo(0))
    // When it reached its current level; the SLA runs from the first working moment after it.
    .addColumn('level_since', 'timestamptz', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    // Everyone it was sent to so far: who may acknowledge or resolve it.
    .addColumn('reached_ids', sql`text[]`, (c) => c.notNull())
    .addColumn('risk_ref', 'text')
    .addColumn('form_id', 'text')
    .addColumn('raised_by', 'text', (c) => c.notNull())
    .addColumn('raised_at', 'timestamptz', (c) => c.notNull())
    .addColumn('acted_by', 'text')
    .addColumn('acted_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('escalation_ref', ['engagement_id', 'ref'])
    .execute();
  await sql`create unique index escalation_form on escalation (team_id, form_id)
    where form_id is not null`.execute(db);
  await sql`create index escalation_open on escalation (team_id, engagement_id)
    where state = 'open'`.execute(db);

  await team('risk')
    .addColumn('id', id, (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('engagement_id', id, (c) => c.notNull().references('engagement.id'))
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) =>
      c.notNull().check(sql`category in ('scope', 'quality', 'timeline', 'data', 'other')`),
    )
    .addColumn('severity', 'text', (c) => c.notNull().check(severity))
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('mitigation', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('message_link', 'text', (c) => c.check(sql`message_link like 'https://%'`))
    .addColumn('state', 'text', (c) =>
      c.notNull().check(sql`state in ('open', 'acknowledged', 'mitigated', 'closed')`),
    )
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('escalation_id', id, (c) => c.references('escalation.id'))
    .addColumn('form_id', 'text')
    .addColumn('raised_by', 'text', (c) => c.notNull())
    .addColumn('raised_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('risk_ref', ['engagement_id', 'ref'])
    .execute();
  await sql`create unique index risk_form on risk (team_id, form_id)
    where form_id is not null`.execute(db);

  await team('governance_message')
    .addColumn('subject_type', 'text', (c) =>
      c.notNull().check(sql`subject_type in ('risk', 'escalation')`),
    )
    .addColumn('subject_id', id, (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('ts', 'text', (c) => c.notNull())
    .addColumn('recipient_id', 'text')
    .addPrimaryKeyConstraint('governance_message_pk', ['subject_id', 'channel_id', 'ts'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('governance_message').execute();
  await db.schema.dropTable('risk').execute();
  await db.schema.dropTable('escalation').execute();
}
