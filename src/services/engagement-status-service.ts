import type { Db } from '../db/database.js';
import {
  type EngagementRow,
  findEngagementByChannel,
  listEngagementSummaries,
  loadStatusFacts,
} from '../db/engagement-repository.js';
import { type DeliveryOverview, overviewOf } from '../db/governed-delivery-repository.js';
import { partnerOrgIdsOf } from '../db/partner-member-repository.js';
import type { EngagementFacts, Stage } from '../domain/engagement.js';
import { describeNextStep, type NextStep } from '../domain/lifecycle.js';
import type { Actor } from '../domain/roles.js';
import { notFound, type ServiceDeps } from './change.js';
import { resolveEngagement } from './engagement-lifecycle-service.js';
import { actorWith } from './read-access.js';

/** True when the actor sees engagements only as a partner (no admin, executive or operator role). */
export function isPartnerOnly(actor: Actor): boolean {
  return actor.roles.length > 0 && actor.roles.every((role) => role === 'partner');
}

/**
 * Finds the engagement a command is about, as `resolveEngagement` does, and hides it from a
 * partner-only user whose organisation is not on it (told "no such engagement", nothing leaks).
 */
export async function resolveVisibleEngagement(
  db: Db,
  actor: Actor,
  teamId: string,
  slug: string | undefined,
  channelId: string | undefined,
): Promise<EngagementRow> {
  const engagement = await resolveEngagement(db, teamId, slug, channelId);
  if (!isPartnerOnly(actor)) return engagement;
  const orgs = await partnerOrgIdsOf(db, teamId, actor.userId);
  if (engagement.partner_org_id && orgs.includes(engagement.partner_org_id)) return engagement;
  return notFound(
    slug
      ? `There is no engagement \`${slug}\` in this workspace. \`/amos status\` lists them.`
      : 'Which engagement? Add its slug, e.g. `acme-q3`. `/amos status` lists yours.',
  );
}

export interface EngagementStatus {
  readonly engagement: EngagementRow;
  readonly next: NextStep;
  /** Slack user ids of the people expected to act next (the operator, the sponsors, partners). */
  readonly actorIds: readonly string[];
  readonly partnerOrgName: string | null;
  readonly diagnostic: { ref: string; version: number } | null;
  /** Open change requests, deliverables waiting for review and the next stage review. */
  readonly delivery?: DeliveryOverview;
  /**
   * Its open risks and escalations (a partner-only viewer: only those their organisation
   * raised), read with the rest; absent where a status was built without them.
   */
  readonly open?: OpenRisksAndEscalations;
}

/** What `/amos status` lists of an engagement's open risks and escalations. */
export interface OpenRisksAndEscalations {
  readonly risks: readonly { ref: string; severity: string; state: string; title: string }[];
  readonly escalations: readonly { ref: string; severity: string; state: string; level: number }[];
}

export interface EngagementListItem {
  readonly slug: string;
  readonly name: string;
  readonly stage: Stage;
  /** For App Home's governance figures. */
  readonly id?: string;
  readonly createdAt?: Date;
}

export type StatusAnswer =
  | { readonly kind: 'one'; readonly status: EngagementStatus }
  | {
      readonly kind: 'list';
      /** The first ENGAGEMENTS_LISTED, newest first. */
      readonly engagements: readonly EngagementListItem[];
      /** How many there are in all. */
      readonly total: number;
      readonly partnerView: boolean;
    };

/** How many engagements a list reads and shows (the rest are counted). */
export const ENGAGEMENTS_LISTED = 40;

/**
 * `/amos status`: one engagement (by slug, or the partner channel the command came from) with
 * what blocks the next gate and who must act; otherwise the workspace's engagements, a
 * partner seeing only those of their own organisation.
 */
export async function engagementStatus(
  deps: ServiceDeps,
  request: { teamId: string; userId: string; slug?: string; channelId?: string; actor?: Actor },
): Promise<StatusAnswer> {
  const { teamId, userId, slug, channelId } = request;
  const actor = await actorWith(deps, teamId, userId, 'view_engagement', request.actor);
  const inPartnerChannel =
    !slug && channelId ? await findEngagementByChannel(deps.db, teamId, channelId) : undefined;
  if (!slug && !inPartnerChannel) {
    const partnerView = isPartnerOnly(actor);
    const { rows, total } = await listEngagementSummaries(
      deps.db,
      teamId,
      partnerView ? { partnerOrgIds: await partnerOrgIdsOf(deps.db, teamId, userId) } : {},
      ENGAGEMENTS_LISTED,
    );
    return {
      kind: 'list',
      partnerView,
      total,
      engagements: rows.map((r) => ({
        slug: r.slug,
        name: r.name,
        stage: r.stage as Stage,
        id: r.id,
        createdAt: r.created_at,
      })),
    };
  }
  const engagement = await resolveVisibleEngagement(deps.db, actor, teamId, slug, channelId);
  // One statement for everything shown of it (facts, delivery, partner members, open items).
  const { facts, extras } = await loadStatusFacts(deps.db, engagement);
  const next = describeNextStep(facts);
  return {
    kind: 'one',
    status: {
      engagement,
      next,
      actorIds: whoActs(engagement, facts, next, extras.partnerMemberIds),
      partnerOrgName: facts.partnerOrg?.name ?? null,
      diagnostic: facts.diagnostic
        ? { ref: facts.diagnostic.ref, version: facts.diagnostic.version }
        : null,
      delivery: overviewOf(extras),
      open: openItemsFor(actor, extras),
    },
  };
}

/**
 * The open risks and escalations a viewer sees: a partner (no other role) only those their
 * organisation raised, the rest are for the internal audience.
 */
function openItemsFor(
  viewer: Actor,
  extras: Awaited<ReturnType<typeof loadStatusFacts>>['extras'],
): OpenRisksAndEscalations {
  let risks = extras.openRisks;
  let escalations = extras.openEscalations;
  if (isPartnerOnly(viewer)) {
    const members = new Set(extras.partnerMemberIds);
    risks = risks.filter((r) => members.has(r.raised_by));
    escalations = escalations.filter((e) => members.has(e.raised_by));
  }
  return {
    risks: risks.map((r) => ({ ref: r.ref, severity: r.severity, state: r.state, title: r.title })),
    escalations: escalations.map((e) => ({
      ref: e.ref,
      severity: e.severity,
      state: e.state,
      level: e.level,
    })),
  };
}

/**
 * The people behind the roles that must act: the operator, the sponsors (less whoever authored
 * what they decide on and, for a pending request, whoever already voted), or the partner's members.
 */
function whoActs(
  engagement: EngagementRow,
  facts: EngagementFacts,
  next: NextStep,
  partnerMemberIds: readonly string[],
): string[] {
  const roles = next.whoMustAct;
  if (roles.includes('operator') && !roles.includes('executive')) return [engagement.operator_id];
  if (roles.includes('executive')) {
    const request = next.stage === 'outputs_reviewed' ? facts.requirements : undefined;
    const excluded =
      next.stage === 'diagnostic_submitted'
        ? [facts.diagnostic?.authorId]
        : // authorIds include the requesters; whoever already voted has nothing left to do.
          [...(request?.authorIds ?? []), ...(request?.voterIds ?? [])];
    return engagement.sponsor_ids.filter((id) => !excluded.includes(id));
  }
  if (roles.includes('partner') && engagement.partner_org_id) return [...partnerMemberIds];
  return [];
}
