import { type Kysely, sql } from 'kysely';

// A Diagnostic version frozen by Output Review can never change or disappear: the database
// refuses UPDATE and DELETE of a row whose frozen_at is set (revisions are new versions).
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function diagnostic_frozen_is_final() returns trigger language plpgsql as $$
    begin
      if old.frozen_at is not null then
        raise exception 'diagnostic % v% was frozen by Output Review: % is not allowed',
          old.ref, old.version, tg_op using errcode = 'insufficient_privilege';
      end if;
      if tg_op = 'DELETE' then return old; end if;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger diagnostic_frozen_no_change before update or delete on diagnostic
    for each row execute function diagnostic_frozen_is_final()`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger diagnostic_frozen_no_change on diagnostic`.execute(db);
  await sql`drop function diagnostic_frozen_is_final()`.execute(db);
}
