import { listDeliverablesWaiting } from '../db/governed-delivery-repository.js';
import { deciderIds } from '../db/role-repository.js';
import { findWorkspace } from '../db/workspace-repository.js';
import { type Actor, can } from '../domain/roles.js';
import { loadActor } from './actor-service.js';
import { listWaiting, type WaitingList } from './approval-view-service.js';
import type { ServiceDeps } from './change.js';
import { type EngagementListItem, engagementStatus } from './engagement-status-service.js';

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
}

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
    can(actor, 'approve') ? listWaiting(deps, { teamId, userId }) : Promise.resolve(NONE),
    engagementStatus(deps, { teamId, userId }),
    can(actor, 'review_deliverables')
      ? listDeliverablesWaiting(deps.db, teamId)
      : Promise.resolve([]),
  ]);
  return {
    actor,
    waiting,
    reviews,
    engagements: status.kind === 'list' ? status.engagements : [],
    engagementsTotal: status.kind === 'list' ? status.total : 0,
    partnerView: status.kind === 'list' ? status.partnerView : false,
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
