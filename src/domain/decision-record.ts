import { createHash } from 'node:crypto';

/** The fields of one decision record that the hash covers. */
export interface RecordInput {
  readonly teamId: string;
  /** null for workspace-level records (role grants, fit verdicts): chained per (team, 'workspace'). */
  readonly engagementId: string | null;
  readonly seq: number;
  readonly at: Date;
  readonly actorId: string;
  /** The acting role, or 'system' for the scheduler. */
  readonly actorRole: string;
  readonly kind: string;
  readonly subjectRef: string | null;
  readonly summary: string;
  readonly details: unknown;
}

/** A record as stored: its input plus the chain links. */
export interface ChainedRecord extends RecordInput {
  readonly prevHash: string;
  readonly hash: string;
}

/** The previous hash of the first record in every chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** The chain a record belongs to: one per engagement, plus one per workspace. */
export function chainKey(teamId: string, engagementId: string | null): string {
  return `${teamId}:${engagementId ?? 'workspace'}`;
}

/**
 * Deterministic JSON: object keys sorted, Dates as ISO strings, `undefined` object members
 * dropped (as JSON does), so a value and its JSON round trip (e.g. through jsonb) give the same text.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalize(value));
}

function normalize(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'number' && !Number.isFinite(value)) return null;
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') {
      return undefined;
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => normalize(item) ?? null);
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return normalize(withJson.toJSON());
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const item = normalize((value as Record<string, unknown>)[key]);
    if (item !== undefined) out[key] = item;
  }
  return out;
}

/** SHA-256 (hex) over the canonical JSON of the record's fields and the previous hash (null = genesis). */
export function hashRecord(prevHash: string | null, input: RecordInput): string {
  const payload = canonicalJson({
    teamId: input.teamId,
    engagementId: input.engagementId,
    seq: input.seq,
    at: input.at,
    actorId: input.actorId,
    actorRole: input.actorRole,
    kind: input.kind,
    subjectRef: input.subjectRef,
    summary: input.summary,
    details: input.details ?? null,
    prevHash: prevHash ?? GENESIS_HASH,
  });
  return createHash('sha256').update(payload).digest('hex');
}

/** The next record of a chain whose last record is `last` (null for an empty chain): seq and hashes filled in. */
export function chainNext(
  last: Pick<ChainedRecord, 'seq' | 'hash'> | null,
  input: Omit<RecordInput, 'seq'>,
): ChainedRecord {
  const prevHash = last?.hash ?? GENESIS_HASH;
  const record: RecordInput = { ...input, seq: (last?.seq ?? 0) + 1 };
  return { ...record, prevHash, hash: hashRecord(prevHash, record) };
}

export type ChainProblem =
  | 'seq_gap'
  | 'prev_link'
  | 'hash_mismatch'
  | 'mixed_chain'
  /** The chain no longer holds its anchored head (see decision-record-anchor.ts). */
  | 'anchor_missing'
  | 'anchor_mismatch';

export type ChainVerification =
  | { readonly ok: true; readonly count: number }
  | {
      readonly ok: false;
      readonly brokenAtSeq: number;
      readonly problem: ChainProblem;
      readonly reason: string;
    };

/**
 * Verifies one chain given in seq order from seq 1: consecutive seq numbers, each prevHash equal
 * to the previous record's hash (GENESIS_HASH first), every hash recomputed from the fields, and
 * all records in the same (team, engagement) chain. Reports the first break.
 */
export function verifyChain(records: readonly ChainedRecord[]): ChainVerification {
  let previous: ChainedRecord | undefined;
  for (const record of records) {
    const broken = (problem: ChainProblem, reason: string): ChainVerification => ({
      ok: false,
      brokenAtSeq: record.seq,
      problem,
      reason,
    });
    const expectedSeq = (previous?.seq ?? 0) + 1;
    if (
      previous &&
      chainKey(previous.teamId, previous.engagementId) !==
        chainKey(record.teamId, record.engagementId)
    ) {
      return broken('mixed_chain', `Record ${record.seq} belongs to a different chain.`);
    }
    if (record.seq !== expectedSeq) {
      return broken('seq_gap', `Expected record ${expectedSeq} but found record ${record.seq}.`);
    }
    const expectedPrev = previous?.hash ?? GENESIS_HASH;
    if (record.prevHash !== expectedPrev) {
      return broken(
        'prev_link',
        `Record ${record.seq} does not link to the hash of the record before it.`,
      );
    }
    if (hashRecord(record.prevHash, record) !== record.hash) {
      return broken(
        'hash_mismatch',
        `Record ${record.seq} was altered: its content no longer matches its hash.`,
      );
    }
    previous = record;
  }
  return { ok: true, count: records.length };
}
