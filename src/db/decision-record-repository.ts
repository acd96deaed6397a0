import { sql } from 'kysely';
import {
  type ChainedRecord,
  chainKey,
  chainNext,
  type RecordInput,
} from '../domain/decision-record.js';
import type { Db, Trx } from './database.js';
import type { DecisionRecordTable } from './tables.js';

// Insert-only by design: this module exports append and read functions, nothing that changes
// or removes a record (and the database refuses UPDATE/DELETE/TRUNCATE on the table).

type Row = Omit<DecisionRecordTable, 'details' | 'id'> & { id: string; details: unknown };

function toRecord(row: Row): ChainedRecord {
  return {
    teamId: row.team_id,
    engagementId: row.engagement_id,
    seq: row.seq,
    at: row.at,
    actorId: row.actor_id,
    actorRole: row.actor_role,
    kind: row.kind,
    subjectRef: row.subject_ref,
    summary: row.summary,
    details: row.details,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * Appends one record to its chain inside the caller's transaction. A transaction-scoped
 * advisory lock on the chain serialises writers, so seq and prev_hash never race.
 */
export async function appendDecisionRecord(
  trx: Trx,
  input: Omit<RecordInput, 'seq'>,
): Promise<ChainedRecord> {
  const key = chainKey(input.teamId, input.engagementId);
  await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
  const last = await trx
    .selectFrom('decision_record')
    .select(['seq', 'hash'])
    .where('chain_key', '=', key)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  // Stored details are what jsonb gives back, so the hash is computed over the same value.
  const details = JSON.parse(JSON.stringify(input.details ?? null));
  const record = chainNext(last ?? null, { ...input, details });
  await trx
    .insertInto('decision_record')
    .values({
      team_id: record.teamId,
      engagement_id: record.engagementId,
      chain_key: key,
      seq: record.seq,
      at: record.at,
      actor_id: record.actorId,
      actor_role: record.actorRole,
      kind: record.kind,
      subject_ref: record.subjectRef,
      summary: record.summary,
      details: JSON.stringify(details),
      prev_hash: record.prevHash,
      hash: record.hash,
    })
    .execute();
  return record;
}

/** One engagement's records (or the workspace chain's, for null), oldest first. */
export async function listDecisionRecords(
  db: Db | Trx,
  teamId: string,
  engagementId: string | null,
  options: { latest?: number } = {},
): Promise<ChainedRecord[]> {
  let query = db
    .selectFrom('decision_record')
    .selectAll()
    .where('chain_key', '=', chainKey(teamId, engagementId))
    .where('team_id', '=', teamId);
  if (options.latest !== undefined) {
    const rows = await query.orderBy('seq', 'desc').limit(options.latest).execute();
    return (rows as Row[]).map(toRecord).reverse();
  }
  query = query.orderBy('seq', 'asc');
  return ((await query.execute()) as Row[]).map(toRecord);
}

/** Every chain key in the database, optionally of one team or engagement: what verify-log walks. */
export async function listChainKeys(
  db: Db,
  filter: { teamId?: string; engagementId?: string } = {},
): Promise<{ chainKey: string; teamId: string; engagementId: string | null }[]> {
  let query = db
    .selectFrom('decision_record')
    .select(['chain_key', 'team_id', 'engagement_id'])
    .distinct()
    .orderBy('chain_key');
  if (filter.teamId) query = query.where('team_id', '=', filter.teamId);
  if (filter.engagementId) query = query.where('engagement_id', '=', filter.engagementId);
  const rows = await query.execute();
  return rows.map((r) => ({
    chainKey: r.chain_key,
    teamId: r.team_id,
    engagementId: r.engagement_id,
  }));
}

/**
 * Every record filed under one chain key, by that key alone, in seq order: what verify-log
 * checks, so a row whose team or engagement was altered still shows up (as a mixed chain).
 */
export async function listChainRecords(db: Db, key: string): Promise<ChainedRecord[]> {
  const rows = await db
    .selectFrom('decision_record')
    .selectAll()
    .where('chain_key', '=', key)
    .orderBy('seq', 'asc')
    .orderBy('id', 'asc')
    .execute();
  return (rows as Row[]).map(toRecord);
}

/** A chain with its label: the engagement's slug, or null for the workspace chain. */
export interface ChainSummary {
  readonly chainKey: string;
  readonly teamId: string;
  readonly engagementId: string | null;
  readonly slug: string | null;
}

/**
 * The chains holding records, with their engagement's slug, optionally of one team and/or some
 * engagements; ordered by team, then the workspace chain, then slug.
 */
export async function listChainSummaries(
  db: Db,
  filter: { teamId?: string; engagementIds?: readonly string[] } = {},
): Promise<ChainSummary[]> {
  let query = db
    .selectFrom('decision_record as r')
    .leftJoin('engagement as e', (join) =>
      join.onRef('e.id', '=', 'r.engagement_id').onRef('e.team_id', '=', 'r.team_id'),
    )
    .select(['r.chain_key', 'r.team_id', 'r.engagement_id', 'e.slug'])
    .distinct();
  if (filter.teamId) query = query.where('r.team_id', '=', filter.teamId);
  if (filter.engagementIds) {
    if (filter.engagementIds.length === 0) return [];
    query = query.where('r.engagement_id', 'in', [...filter.engagementIds]);
  }
  const rows = await query.execute();
  return rows
    .map((r) => ({
      chainKey: r.chain_key,
      teamId: r.team_id,
      engagementId: r.engagement_id,
      slug: r.slug,
    }))
    .sort(
      (a, b) =>
        a.teamId.localeCompare(b.teamId) ||
        Number(a.engagementId !== null) - Number(b.engagementId !== null) ||
        (a.slug ?? '').localeCompare(b.slug ?? '') ||
        a.chainKey.localeCompare(b.chainKey),
    );
}

/** An engagement of this workspace by id (id and slug only), to label its chain; undefined if not this workspace's. */
export async function findChainEngagement(
  db: Db | Trx,
  teamId: string,
  engagementId: string,
): Promise<{ id: string; slug: string } | undefined> {
  return db
    .selectFrom('engagement')
    .select(['id', 'slug'])
    .where('team_id', '=', teamId)
    .where('id', '=', engagementId)
    .executeTakeFirst();
}

/**
 * Engagements with this slug, in one workspace or (for the command line, which acts for no
 * workspace) in every one, ordered by team.
 */
export async function findEngagementsBySlugForLog(
  db: Db,
  slug: string,
  teamId?: string,
): Promise<{ id: string; teamId: string; slug: string }[]> {
  let query = db
    .selectFrom('engagement')
    .select(['id', 'team_id', 'slug'])
    .where('slug', '=', slug.toLowerCase());
  if (teamId) query = query.where('team_id', '=', teamId);
  const rows = await query.orderBy('team_id').execute();
  return rows.map((r) => ({ id: r.id, teamId: r.team_id, slug: r.slug }));
}

/**
 * The head (last record) of every chain, optionally of one team and/or some engagements, with
 * its engagement's slug: one index scan per chain over (chain_key, seq), never the whole table.
 */
export async function listChainHeads(
  db: Db | Trx,
  filter: { teamId?: string; engagementIds?: readonly string[] } = {},
): Promise<{ head: ChainedRecord; slug: string | null }[]> {
  if (filter.engagementIds?.length === 0) return [];
  const teamFilter = filter.teamId ? sql`and r.team_id = ${filter.teamId}` : sql``;
  const engagementFilter = filter.engagementIds
    ? sql`and r.engagement_id = any(${[...filter.engagementIds]}::uuid[])`
    : sql``;
  const { rows } = await sql<Row & { slug: string | null }>`
    select h.*, e.slug from (
      select distinct on (r.chain_key) r.*
      from decision_record r
      where true ${teamFilter} ${engagementFilter}
      order by r.chain_key, r.seq desc
    ) h
    left join engagement e on e.id = h.engagement_id and e.team_id = h.team_id
    order by h.team_id, h.engagement_id is not null, e.slug, h.chain_key`.execute(db);
  return rows.map((row) => ({ head: toRecord(row), slug: row.slug }));
}
