import type { Db, Trx } from '../db/database.js';
import { latestVerdicts } from '../db/fit-repository.js';
import {
  deletePartnerMember,
  findPartnerOrgByName,
  insertPartnerMember,
  insertPartnerOrg,
  isDuplicateOrgName,
  listPartnerOrgs,
  type PartnerOrg,
  type PartnerOrgWithMembers,
} from '../db/partner-repository.js';
import { lockRoleGrants } from '../db/role-repository.js';
import { DomainRefusal, refuse } from '../domain/errors.js';
import type { FitVerdict } from '../domain/fit.js';
import { checkPartnerOrgName } from '../domain/partner-org.js';
import { checkMayBecomePartner } from '../domain/partner-separation.js';
import { staffStanding } from './actor-service.js';
import { check, notFound, runChange, type ServiceDeps } from './change.js';
import { requireCapability } from './role-service.js';

export interface MembershipChange {
  readonly org: PartnerOrg;
  /** Users whose membership changed. */
  readonly changed: readonly string[];
  /** Users for whom it was already so (nothing written). */
  readonly unchanged: readonly string[];
}

export interface PartnerListing {
  readonly orgs: readonly (PartnerOrgWithMembers & {
    latestFit?: { verdict: FitVerdict; version: number };
  })[];
  /** False for a partner-only viewer: they see their own organisations, without fit verdicts. */
  readonly fullView: boolean;
}

function duplicateName(name: string): never {
  throw new DomainRefusal(
    refuse(
      'conflict',
      `There is already a partner organisation called "${name}" (names are unique, ignoring case). \`/amos partner list\` shows them.`,
    ).refusal,
  );
}

/** The organisation called `name`, or a not_found refusal that says how to find or create it. */
export async function findOrgOrRefuse(
  db: Db | Trx,
  teamId: string,
  name: string,
): Promise<PartnerOrg> {
  const org = await findPartnerOrgByName(db, teamId, name.replace(/\s+/g, ' ').trim());
  if (!org) {
    notFound(
      `There is no partner organisation called "${name}". \`/amos partner list\` shows them; an admin creates one with \`/amos partner create ${name}\`.`,
    );
  }
  return org;
}

/** Creates a partner organisation (admins), recorded as `partner.created`; names are unique per workspace. */
export async function createPartnerOrg(
  deps: ServiceDeps,
  teamId: string,
  actorId: string,
  rawName: string,
): Promise<PartnerOrg> {
  return runChange(deps, teamId, actorId, async (change) => {
    await change.authorize('manage_partners');
    const name = check(checkPartnerOrgName(rawName));
    const existing = await findPartnerOrgByName(change.trx, teamId, name);
    if (existing) duplicateName(existing.name);
    const org = await insertPartnerOrg(change.trx, {
      teamId,
      name,
      createdBy: actorId,
      at: change.now,
    }).catch((error: unknown) =>
      isDuplicateOrgName(error) ? duplicateName(name) : Promise.reject(error),
    );
    await change.record({
      engagementId: null,
      kind: 'partner.created',
      subjectRef: null,
      summary: `Created the partner organisation ${org.name}.`,
      details: { partnerOrgId: org.id, name: org.name },
      capability: 'manage_partners',
    });
    return org;
  });
}

/**
 * Adds members to an organisation (admins), one `partner.member_added` record per new member.
 * Refuses, writing nothing, when any of them holds admin, executive or operator.
 */
export async function addPartnerMembers(
  deps: ServiceDeps,
  teamId: string,
  actorId: string,
  orgName: string,
  userIds: readonly string[],
): Promise<MembershipChange> {
  return runChange(deps, teamId, actorId, async (change) => {
    await change.authorize('manage_partners');
    const org = await findOrgOrRefuse(change.trx, teamId, orgName);
    // Same lock as role grants, so a concurrent `/amos role grant` cannot slip past this check.
    await lockRoleGrants(change.trx, teamId);
    for (const userId of new Set(userIds)) {
      const staff = await staffStanding(change.trx, teamId, userId, deps.admins);
      check(checkMayBecomePartner(userId, `a member of ${org.name} (a partner)`, staff));
    }
    const changed: string[] = [];
    const unchanged: string[] = [];
    for (const userId of userIds) {
      const added = await insertPartnerMember(change.trx, {
        teamId,
        partnerOrgId: org.id,
        userId,
        addedBy: actorId,
        at: change.now,
      });
      if (!added) {
        unchanged.push(userId);
        continue;
      }
      changed.push(userId);
      await change.record({
        engagementId: null,
        kind: 'partner.member_added',
        subjectRef: null,
        summary: `Added ${userId} to the partner organisation ${org.name}.`,
        details: { partnerOrgId: org.id, partnerOrg: org.name, userId },
        capability: 'manage_partners',
      });
    }
    return { org, changed, unchanged };
  });
}

/** Removes members from an organisation (admins), one `partner.member_removed` record per member removed. */
export async function removePartnerMembers(
  deps: ServiceDeps,
  teamId: string,
  actorId: string,
  orgName: string,
  userIds: readonly string[],
): Promise<MembershipChange> {
  return runChange(deps, teamId, actorId, async (change) => {
    await change.authorize('manage_partners');
    const org = await findOrgOrRefuse(change.trx, teamId, orgName);
    const changed: string[] = [];
    const unchanged: string[] = [];
    for (const userId of userIds) {
      if (!(await deletePartnerMember(change.trx, teamId, org.id, userId))) {
        unchanged.push(userId);
        continue;
      }
      changed.push(userId);
      await change.record({
        engagementId: null,
        kind: 'partner.member_removed',
        subjectRef: null,
        summary: `Removed ${userId} from the partner organisation ${org.name}.`,
        details: { partnerOrgId: org.id, partnerOrg: org.name, userId },
        capability: 'manage_partners',
      });
    }
    return { org, changed, unchanged };
  });
}

/**
 * The workspace's partner organisations for anyone with a role. Admins, executives and
 * operators see all of them with the latest fit verdict; a partner sees only their own.
 */
export async function listPartners(
  deps: ServiceDeps,
  teamId: string,
  actorId: string,
): Promise<PartnerListing> {
  const actor = await requireCapability(deps, teamId, actorId);
  // Staff see everything; someone who is only a partner sees their own organisations.
  const fullView = actor.roles.some((r) => r !== 'partner');
  const [orgs, verdicts] = await Promise.all([
    listPartnerOrgs(deps.db, teamId),
    fullView
      ? latestVerdicts(deps.db, teamId)
      : Promise.resolve(new Map<string, { verdict: FitVerdict; version: number }>()),
  ]);
  const visible = fullView ? orgs : orgs.filter((o) => o.memberIds.includes(actorId));
  return {
    fullView,
    orgs: visible.map((o) => {
      const latestFit = verdicts.get(o.id);
      return latestFit ? { ...o, latestFit } : o;
    }),
  };
}
