import { type Kysely, sql } from 'kysely';

// The delivery ledger of follow-up jobs: one row per Slack effect that must happen at most once
// (a DM, a post, a failure report), keyed by what makes it unique. `sending` is committed before
// the Web API call, with a lease until which another attempt must not look or post; `sent`
// holds where the message landed, so a retry finds it instead of posting again.
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table slack_delivery (
      team_id text not null,
      key text not null,
      status text not null check (status in ('sending', 'sent', 'failed', 'done')),
      channel_id text,
      ts text,
      attempts integer not null default 0,
      lease_until timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (team_id, key)
    )`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table slack_delivery`.execute(db);
}
