import type { Db } from '../db/database.js';
import {
  type EngagementRow,
  findEngagementByChannel,
  listEngagementSummaries,
  loadEngagementFacts,
} from '../db/engagement-repository.js';
import { type DeliveryOverview, deliveryOverview } from '../db/governed-delivery-repository.js';
import { listPartnerMemberIds, partnerOrgIdsOf } from '../db/partner-member-repository.js';
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
  request: { teamId: string; userId: string; slug?: string; channelId?: string },
): Promise<StatusAnswer> {
  const { teamId, userId, slug, channelId } = request;
  const actor = await actorWith(deps, teamId, userId, 'view_engagement');
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
  const facts = await loadEngagementFacts(deps.db, engagement);
  const next = describeNextStep(facts);
  return {
    kind: 'one',
    status: {
      engagement,
      next,
      actorIds: await whoActs(deps.db, engagement, facts, next),
      partnerOrgName: facts.partnerOrg?.name ?? null,
      diagnostic: facts.diagnostic
        ? { ref: facts.diagnostic.ref, version: facts.diagnostic.version }
        : null,
      delivery: await deliveryOverview(deps.db, teamId, engagement.id),
    },
  };
}

/**
 * The people behind the roles that must act: the operator, the sponsors (less whoever authored
 * what they decide on and, for a pending request, whoever already voted), or the partner's members.
 */
async function whoActs(
  db: Db,
  engagement: EngagementRow,
  facts: EngagementFacts,
  next: NextStep,
): Promise<string[]> {
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
  if (roles.includes('partner') && engagement.partner_org_id) {
    return listPartnerMemberIds(db, engagement.team_id, engagement.partner_org_id);
  }
  return [];
}
