import type { ChainedRecord, ChainVerification } from './decision-record.js';
import { WORKSPACE_CHAIN } from './decision-record-format.js';

// A hash chain proves only that its records agree with each other: whoever owns the table can
// delete a tail or rewrite a whole chain with fresh hashes and it still verifies. An anchor is a
// chain's head (seq and hash) kept outside the database (printed by `npx amos anchors`, carried
// in the weekly digest); a chain that no longer reaches every anchored head was altered.

/** One chain's head as kept outside the database. */
export interface ChainAnchor {
  readonly team: string;
  /** The engagement's slug, or 'workspace'. */
  readonly engagement: string;
  /** The engagement's id (null for the workspace chain); absent when written by hand from a digest. */
  readonly engagementId?: string | null;
  readonly seq: number;
  readonly hash: string;
  /** When the head record was written (ISO 8601), for the reader. */
  readonly at?: string;
}

/** A chain's head record as an anchor. */
export function anchorOf(head: ChainedRecord, label: string): ChainAnchor {
  return {
    team: head.teamId,
    engagement: label,
    engagementId: head.engagementId,
    seq: head.seq,
    hash: head.hash,
    at: head.at.toISOString(),
  };
}

/** One JSON Lines line (with its \n): team, engagement, engagement_id, seq, hash, at. */
export function formatAnchorLine(anchor: ChainAnchor): string {
  return `${JSON.stringify({
    team: anchor.team,
    engagement: anchor.engagement,
    engagement_id: anchor.engagementId ?? null,
    seq: anchor.seq,
    hash: anchor.hash,
    ...(anchor.at ? { at: anchor.at } : {}),
  })}\n`;
}

export interface ParsedAnchors {
  readonly anchors: readonly ChainAnchor[];
  /** One line per unusable line: `line 3: …`. */
  readonly problems: readonly string[];
}

const HASH = /^[0-9a-f]{64}$/;

/**
 * Parses an anchors file (JSON Lines as `npx amos anchors` writes it; blank lines and lines
 * starting with # are skipped). `engagement_id` may be left out (an anchor copied from a digest):
 * the chain is then found by team and slug.
 */
export function parseAnchors(text: string): ParsedAnchors {
  const anchors: ChainAnchor[] = [];
  const problems: string[] = [];
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const problem = (why: string) => problems.push(`line ${index + 1}: ${why}`);
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problem('not JSON');
      continue;
    }
    const v = value as Record<string, unknown>;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problem('not a JSON object');
    } else if (typeof v.team !== 'string' || v.team === '') {
      problem('"team" must be a workspace id');
    } else if (typeof v.engagement !== 'string' || v.engagement === '') {
      problem('"engagement" must be a slug or "workspace"');
    } else if (!Number.isInteger(v.seq) || (v.seq as number) < 1) {
      problem('"seq" must be a positive whole number');
    } else if (typeof v.hash !== 'string' || !HASH.test(v.hash)) {
      problem('"hash" must be 64 lowercase hex digits');
    } else if (
      v.engagement_id !== undefined &&
      v.engagement_id !== null &&
      typeof v.engagement_id !== 'string'
    ) {
      problem('"engagement_id" must be an id or null');
    } else {
      const engagement = v.engagement.toLowerCase();
      anchors.push({
        team: v.team,
        engagement,
        ...(v.engagement_id !== undefined
          ? { engagementId: v.engagement_id as string | null }
          : engagement === WORKSPACE_CHAIN
            ? { engagementId: null }
            : {}),
        seq: v.seq as number,
        hash: v.hash,
        ...(typeof v.at === 'string' ? { at: v.at } : {}),
      });
    }
  }
  return { anchors, problems };
}

/**
 * Whether a chain (its records in seq order, already verified on their own) still reaches an
 * anchored head: a record with the anchor's seq and exactly its hash. Because every hash covers
 * the one before it, that proves records 1..seq are the ones anchored; records after it are
 * growth since the anchor and are fine.
 */
export function checkAnchor(
  records: readonly Pick<ChainedRecord, 'seq' | 'hash'>[],
  anchor: Pick<ChainAnchor, 'seq' | 'hash'>,
): ChainVerification {
  const at = records.find((r) => r.seq === anchor.seq);
  const last = records.at(-1)?.seq ?? 0;
  if (!at) {
    return {
      ok: false,
      brokenAtSeq: anchor.seq,
      problem: 'anchor_missing',
      reason:
        last === 0
          ? `The chain has no records, but its anchored head is record ${anchor.seq}: the chain was removed.`
          : `The chain ends at record ${last}, before its anchored head, record ${anchor.seq}: records were removed.`,
    };
  }
  if (at.hash !== anchor.hash) {
    return {
      ok: false,
      brokenAtSeq: anchor.seq,
      problem: 'anchor_mismatch',
      reason: `Record ${anchor.seq} no longer has its anchored hash ${anchor.hash.slice(0, 12)}…: the chain was rewritten.`,
    };
  }
  return { ok: true, count: records.length };
}
