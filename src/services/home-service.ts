import { type GovernanceCounts, governanceOfEngagements } from '../db/governance-repository.js';
import { listDeliverablesWaiting } from '../db/governed-delivery-repository.js';
import { deciderIds } from '../db/role-repository.js';
import { findWorkspace } from '../db/workspace-repository.js';
import type { Stage } from '../domain/engagement.js';
import { type EngagementHealth, gateTimes } from '../domain/governance.js';
import { type Actor, can } from '../domain/roles.js';
import { loadActor } from './actor-service.js';
import { listWaiting, type WaitingList } from './approval-view-service.js';
import type { ServiceDeps } from './change.js';
import {
  type EngagementListItem,
  engagementStatus,
  isPartnerOnly,
} from './engagement-status-service.js';
import { type GovernanceWaiting, governanceWaitingOn } from './governance-view-service.js';

/** What a person's App Home shows: what waits on them and the engagements they can see. */
export interface HomeContent {
  readonly actor: Actor;
  /** The first requests waiting on them and how many in all (empty for those who may not vote). */
  readonly waiting: WaitingList;
  readonly engagements: readonly EngagementListItem[];
  /** How many engagements they can see in all (`engagements` holds the first). */
  readonly engagementsTotal?: number;
  readonly partnerView: boolean;
  /** Deliverables waiting for review, for those who review them (operators, executives). */
  readonly reviews?: readonly { slug: string; ref: string; scopeRef: string; version: number }[];
  /** Open escalations sent to them and open risks they may move (governance-view-service). */
  readonly governanceWaiting?: GovernanceWaiting;
  /** Per engagement shown (at most GOVERNANCE_SHOWN, unfinished first): stage, time, health, figures. */
  readonly governance?: readonly EngagementGovernance[];
}

/** What App Home shows of one engagement's governance. */
export interface EngagementGovernance {
  readonly slug: string;
  readonly name: string;
  readonly stage: Stage;
  /** Milliseconds at the current gate. */
  readonly atCurrentMs: number;
  /** Milliseconds spent at each gate so far (from the decision record's transitions). */
  readonly gateTimes: Partial<Record<Stage, number>>;
  readonly health: EngagementHealth;
  /** The executive figures; absent for a partner-only viewer. */
  readonly figures?: GovernanceCounts;
}

/** How many engagements App Home shows governance for (the block budget is 100). */
export const GOVERNANCE_SHOWN = 12;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Stage, time at the current gate, health and the executive figures of the engagements shown:
 * one statement whatever their number (counts, health and transitions).
 */
async function governanceOf(
  deps: ServiceDeps,
  teamId: string,
  actor: Actor,
  engagements: readonly EngagementListItem[],
): Promise<EngagementGovernance[]> {
  const shown = [...engagements]
    .filter((e): e is EngagementListItem & { id: string; createdAt: Date } =>
      Boolean(e.id && e.createdAt),
    )
    .sort((a, b) => Number(isDone(a.stage)) - Number(isDone(b.stage)))
    .slice(0, GOVERNANCE_SHOWN);
  if (shown.length === 0) return [];
  const now = deps.clock.now();
  const ids = shown.map((e) => e.id);
  const overdueBefore = new Date(now.getTime() - (deps.reminders?.after ?? DAY_MS));
  const today = now.toISOString().slice(0, 10);
  const {
    transitions,
    counts,
    health: risks,
  } = await governanceOfEngagements(deps.db, teamId, ids, overdueBefore, today);
  const staff = !isPartnerOnly(actor);
  return shown.map((e) => {
    const times = gateTimes(e.createdAt, e.stage, transitions.get(e.id) ?? [], now);
    const c = counts.get(e.id);
    const extra = risks.get(e.id);
    const live = !isDone(e.stage);
    return {
      slug: e.slug,
      name: e.name,
      stage: e.stage,
      atCurrentMs: times.atCurrent,
      gateTimes: times.byStage,
      // A completed or terminated engagement asks for no attention: its open risks and
      // escalations are left as they were, and nothing can be done about them any more.
      health: {
        overdueItems: live ? (c?.overdueItems ?? 0) : 0,
        approvalsOverdue: live ? (c?.approvalsOverdue ?? 0) : 0,
        openSevereRisks: live ? (extra?.openSevereRisks ?? 0) : 0,
        unacknowledgedEscalations: live ? (extra?.unacknowledgedEscalations ?? 0) : 0,
      },
      ...(staff && c ? { figures: c } : {}),
    };
  });
}

const isDone = (stage: Stage) => stage === 'completed' || stage === 'terminated';

const NONE: WaitingList = { views: [], total: 0 };

/** Reads (never changes) what App Home shows for one user of one workspace. */
export async function homeContent(
  deps: ServiceDeps,
  teamId: string,
  userId: string,
): Promise<HomeContent> {
  const actor = await loadActor(deps.db, teamId, userId, deps.admins);
  if (actor.roles.length === 0)
    return { actor, waiting: NONE, engagements: [], partnerView: false };
  const [waiting, status, reviews] = await Promise.all([
    can(actor, 'approve') ? listWaiting(deps, { teamId, userId, actor }) : Promise.resolve(NONE),
    engagementStatus(deps, { teamId, userId, actor }),
    can(actor, 'review_deliverables')
      ? listDeliverablesWaiting(deps.db, teamId)
      : Promise.resolve([]),
  ]);
  const engagements = status.kind === 'list' ? status.engagements : [];
  return {
    actor,
    waiting,
    reviews,
    governanceWaiting: await governanceWaitingOn(deps, teamId, userId, actor),
    engagements,
    engagementsTotal: status.kind === 'list' ? status.total : 0,
    partnerView: status.kind === 'list' ? status.partnerView : false,
    governance: await governanceOf(deps, teamId, actor, engagements),
  };
}

/**
 * Everyone whose App Home may show a pending request of this workspace ("waiting on you" lists
 * every pending request to every executive and admin): granted executives and admins, the
 * installer, the AMOS_ADMINS list, plus `alsoIds` (the engagement's sponsors). Each id once.
 */
export async function approvalHomeAudience(
  deps: ServiceDeps,
  teamId: string,
  alsoIds: readonly string[] = [],
): Promise<string[]> {
  const [deciders, workspace] = await Promise.all([
    deciderIds(deps.db, teamId),
    findWorkspace(deps.db, teamId),
  ]);
  const installer = workspace?.installed_by ? [workspace.installed_by] : [];
  return [...new Set([...alsoIds, ...deciders, ...installer, ...deps.admins])];
}
