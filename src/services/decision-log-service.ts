import type { Db } from '../db/database.js';
import {
  findChainEngagement,
  findEngagementsBySlugForLog,
  listChainHeads,
  listChainRecords,
  listChainSummaries,
  listDecisionRecords,
} from '../db/decision-record-repository.js';
import {
  type ChainedRecord,
  type ChainVerification,
  chainKey,
  verifyChain,
} from '../domain/decision-record.js';
import { anchorOf, type ChainAnchor, checkAnchor } from '../domain/decision-record-anchor.js';
import {
  type ChainReport,
  type ExportFormat,
  exportFilename,
  formatExport,
  WORKSPACE_CHAIN,
} from '../domain/decision-record-format.js';
import { DomainRefusal } from '../domain/errors.js';
import type { Capability } from '../domain/roles.js';
import { notFound, type ServiceDeps } from './change.js';
import { actorWith } from './read-access.js';

// The read side of the decision record: nothing here writes. Reading is not a state change, so
// it appends no record; it is still limited to the roles PRODUCT.md section 2 allows.

/** Whose chain to read: an engagement of the workspace, or null for the workspace chain. */
export interface ChainRequest {
  readonly teamId: string;
  readonly userId: string;
  readonly engagementId: string | null;
}

export interface LatestRecords {
  /** The engagement's slug, or 'workspace'. */
  readonly engagement: string;
  /** How many records the chain holds in all. */
  readonly total: number;
  /** The latest records, oldest first. */
  readonly records: readonly ChainedRecord[];
}

export interface ExportedLog {
  readonly engagement: string;
  readonly format: ExportFormat;
  readonly filename: string;
  readonly content: string;
  readonly count: number;
}

/** One chain checked by verify-log: its workspace, label, length and the first break if any. */
export interface ChainCheck extends ChainReport {
  readonly engagementId: string | null;
  readonly count: number;
}

/**
 * Refuses (no_role / forbidden_role) unless the user may read the decision record this way:
 * `view_log` (admin, executive, operator) or `export_log` (executive, admin). Listeners call it
 * before resolving a slug, so a refused user learns nothing about which engagements exist.
 */
export async function authorizeRead(
  deps: ServiceDeps,
  teamId: string,
  userId: string,
  capability: Extract<Capability, 'view_log' | 'export_log'>,
): Promise<void> {
  await actorWith(deps, teamId, userId, capability);
}

/** The chain's label, refusing (not_found) an engagement that is not this workspace's. */
async function chainLabel(db: Db, teamId: string, engagementId: string | null): Promise<string> {
  if (engagementId === null) return WORKSPACE_CHAIN;
  const engagement = await findChainEngagement(db, teamId, engagementId);
  return (
    engagement?.slug ??
    notFound('That engagement is not in this workspace. `/amos status` lists them.')
  );
}

/**
 * The latest `limit` records of one chain of this workspace, oldest first, for someone who may
 * view the decision record (admin, executive, operator); refuses anyone else.
 */
export async function latestRecords(
  deps: ServiceDeps,
  request: ChainRequest & { limit: number },
): Promise<LatestRecords> {
  const { teamId, userId, engagementId, limit } = request;
  await authorizeRead(deps, teamId, userId, 'view_log');
  const engagement = await chainLabel(deps.db, teamId, engagementId);
  const records = await listDecisionRecords(deps.db, teamId, engagementId, { latest: limit });
  return { engagement, total: records.at(-1)?.seq ?? 0, records };
}

/**
 * One whole chain of this workspace as the text of a JSON Lines or CSV file, for someone who may
 * export the decision record (executive, admin); refuses anyone else.
 */
export async function exportRecords(
  deps: ServiceDeps,
  request: ChainRequest & { format: ExportFormat },
): Promise<ExportedLog> {
  const { teamId, userId, engagementId, format } = request;
  await authorizeRead(deps, teamId, userId, 'export_log');
  const engagement = await chainLabel(deps.db, teamId, engagementId);
  const records = await listDecisionRecords(deps.db, teamId, engagementId);
  return exported(records, engagement, format);
}

function exported(
  records: readonly ChainedRecord[],
  engagement: string,
  format: ExportFormat,
): ExportedLog {
  return {
    engagement,
    format,
    filename: exportFilename(engagement, format),
    content: formatExport(records, engagement, format),
    count: records.length,
  };
}

/** The chains a slug names: its engagements (in one workspace or all), or 'workspace' chains. */
async function chainsNamed(
  db: Db,
  slug: string,
  teamId: string | undefined,
): Promise<{ teamId: string; engagementId: string | null; label: string }[]> {
  if (slug.toLowerCase() === WORKSPACE_CHAIN) {
    const chains = await listChainSummaries(db, teamId ? { teamId } : {});
    return chains
      .filter((c) => c.engagementId === null)
      .map((c) => ({ teamId: c.teamId, engagementId: null, label: WORKSPACE_CHAIN }));
  }
  const engagements = await findEngagementsBySlugForLog(db, slug, teamId);
  return engagements.map((e) => ({ teamId: e.teamId, engagementId: e.id, label: e.slug }));
}

function noSuchEngagement(slug: string, teamId: string | undefined): never {
  return notFound(`There is no engagement \`${slug}\`${teamId ? ` in workspace ${teamId}` : ''}.`);
}

/**
 * Operator tool (command line, no workspace of its own): one engagement's chain (or a
 * workspace chain, slug 'workspace') as JSON Lines or CSV. Refuses a slug found in several
 * workspaces unless `teamId` picks one, listing them.
 */
export async function exportEngagementLog(
  db: Db,
  request: { engagementSlug: string; teamId?: string; format: ExportFormat },
): Promise<ExportedLog> {
  const { engagementSlug, teamId, format } = request;
  const chains = await chainsNamed(db, engagementSlug, teamId);
  const [chain] = chains;
  if (!chain) return noSuchEngagement(engagementSlug, teamId);
  if (chains.length > 1) {
    const teams = chains.map((c) => c.teamId);
    throw new DomainRefusal({
      code: 'invalid_input',
      message: `\`${engagementSlug}\` exists in ${teams.length} workspaces: add --team with one of ${teams.join(', ')}.`,
    });
  }
  const records = await listDecisionRecords(db, chain.teamId, chain.engagementId);
  return exported(records, chain.label, format);
}

/**
 * Operator tool: every chain's current head (or those of one team and/or one engagement slug),
 * for keeping outside the database so a later `verifyLog` can tell a truncated or rewritten
 * chain from an intact one.
 */
export async function chainAnchors(
  db: Db,
  filter: { teamId?: string; engagementSlug?: string } = {},
): Promise<ChainAnchor[]> {
  const { teamId, engagementSlug } = filter;
  let engagementIds: string[] | undefined;
  let workspaceOnly = false;
  if (engagementSlug) {
    const named = await chainsNamed(db, engagementSlug, teamId);
    if (named.length === 0) noSuchEngagement(engagementSlug, teamId);
    workspaceOnly = named.every((n) => n.engagementId === null);
    engagementIds = named.flatMap((n) => (n.engagementId ? [n.engagementId] : []));
  }
  const heads = await listChainHeads(db, {
    ...(teamId ? { teamId } : {}),
    ...(engagementIds && !workspaceOnly ? { engagementIds } : {}),
  });
  return heads
    .filter((h) => !workspaceOnly || h.head.engagementId === null)
    .map(({ head, slug }) =>
      anchorOf(head, head.engagementId === null ? WORKSPACE_CHAIN : (slug ?? head.engagementId)),
    );
}

/** The chain key an anchor names: by its engagement id, or by team and slug when it has none. */
async function anchorChainKey(db: Db, anchor: ChainAnchor): Promise<string | undefined> {
  if (anchor.engagementId !== undefined) return chainKey(anchor.team, anchor.engagementId);
  if (anchor.engagement === WORKSPACE_CHAIN) return chainKey(anchor.team, null);
  const [found] = await findEngagementsBySlugForLog(db, anchor.engagement, anchor.team);
  return found ? chainKey(anchor.team, found.id) : undefined;
}

/** The chain's own verification, then each anchor on it in seq order; the first break wins. */
function withAnchors(
  records: readonly ChainedRecord[],
  own: ChainVerification,
  anchors: readonly ChainAnchor[],
): { verification: ChainVerification; anchoredSeq?: number } {
  if (!own.ok || anchors.length === 0) return { verification: own };
  const sorted = [...anchors].sort((a, b) => a.seq - b.seq);
  for (const anchor of sorted) {
    const check = checkAnchor(records, anchor);
    if (!check.ok) return { verification: check };
  }
  return { verification: own, anchoredSeq: sorted.at(-1)?.seq ?? 0 };
}

/**
 * Operator tool: verifies every chain (or those of one team and/or one engagement slug) from
 * the database alone, reporting per chain its length and the first broken record, if any. With
 * `anchors` (heads kept outside the database), a chain that no longer reaches an anchored head
 * is broken too, and an anchored chain that has disappeared entirely is reported as broken.
 */
export async function verifyLog(
  db: Db,
  filter: { teamId?: string; engagementSlug?: string; anchors?: readonly ChainAnchor[] } = {},
): Promise<ChainCheck[]> {
  const { teamId, engagementSlug } = filter;
  let named: Awaited<ReturnType<typeof chainsNamed>> | undefined;
  if (engagementSlug) {
    named = await chainsNamed(db, engagementSlug, teamId);
    if (named.length === 0) noSuchEngagement(engagementSlug, teamId);
  }
  const engagementIds = named?.flatMap((c) => (c.engagementId ? [c.engagementId] : []));
  const summaries = await listChainSummaries(db, {
    ...(teamId ? { teamId } : {}),
    ...(engagementIds && engagementIds.length > 0 ? { engagementIds } : {}),
  });
  const wanted = named
    ? summaries.filter((s) => named.some((n) => chainKey(n.teamId, n.engagementId) === s.chainKey))
    : summaries;
  const wantedKeys = new Set(
    named ? named.map((n) => chainKey(n.teamId, n.engagementId)) : wanted.map((s) => s.chainKey),
  );
  const anchorsByKey = new Map<string, ChainAnchor[]>();
  const unresolved: ChainAnchor[] = [];
  for (const anchor of filter.anchors ?? []) {
    if (teamId && anchor.team !== teamId) continue;
    const key = await anchorChainKey(db, anchor);
    if (key === undefined) {
      if (!named) unresolved.push(anchor);
      continue;
    }
    if (named && !wantedKeys.has(key)) continue;
    anchorsByKey.set(key, [...(anchorsByKey.get(key) ?? []), anchor]);
  }
  const checks: ChainCheck[] = [];
  for (const chain of wanted) {
    const records = await listChainRecords(db, chain.chainKey);
    const anchored = withAnchors(
      records,
      verifyChain(records),
      anchorsByKey.get(chain.chainKey) ?? [],
    );
    anchorsByKey.delete(chain.chainKey);
    checks.push({
      teamId: chain.teamId,
      engagementId: chain.engagementId,
      engagement: chain.slug ?? chain.engagementId ?? WORKSPACE_CHAIN,
      count: records.length,
      ...anchored,
    });
  }
  // An engagement with no record yet is reported as an empty, intact chain, unless anchored.
  for (const n of named ?? []) {
    const key = chainKey(n.teamId, n.engagementId);
    if (!checks.some((c) => c.teamId === n.teamId && c.engagementId === n.engagementId)) {
      checks.push({
        teamId: n.teamId,
        engagementId: n.engagementId,
        engagement: n.label,
        count: 0,
        ...withAnchors([], { ok: true, count: 0 }, anchorsByKey.get(key) ?? []),
      });
      anchorsByKey.delete(key);
    }
  }
  // Anchored chains of which nothing is left (every record gone, or the engagement itself).
  for (const anchors of [...anchorsByKey.values(), ...unresolved.map((a) => [a])]) {
    const [first] = anchors;
    if (!first) continue;
    checks.push({
      teamId: first.team,
      engagementId: first.engagementId ?? null,
      engagement: first.engagement,
      count: 0,
      ...withAnchors([], { ok: true, count: 0 }, anchors),
    });
  }
  return checks;
}
