import { randomUUID } from 'node:crypto';
import {
  type EngagementRow,
  findEngagementByChannel,
  findEngagementById,
  findEngagementBySlug,
  insertEngagement,
  setPartnerChannel,
  setPartnerOrg,
} from '../db/engagement-repository.js';
import { latestFitAssessment } from '../db/fit-repository.js';
import {
  findPartnerOrgById,
  findPartnerOrgByName,
  listPartnerOrgs,
  type PartnerOrg,
} from '../db/partner-repository.js';
import type { ChainedRecord } from '../domain/decision-record.js';
import { engagementLabel, type Stage } from '../domain/engagement.js';
import {
  checkEngagementPeople,
  checkNewEngagement,
  type NewEngagementSpec,
} from '../domain/engagement-setup.js';
import { DomainRefusal, refuse } from '../domain/errors.js';
import type { FitVerdict } from '../domain/fit.js';
import { checkPartnerAssignment } from '../domain/partner-assignment.js';
import type { Role } from '../domain/roles.js';
import { loadActor } from './actor-service.js';
import { type Change, check, notFound, runChange, type ServiceDeps } from './change.js';
import { lockEngagementRow, resolveEngagement } from './engagement-lifecycle-service.js';
import { partnerChannelPrepared } from './follow-up.js';
import { actorWith } from './read-access.js';

/** A double-submitted form within this window creates nothing twice. */
const DUPLICATE_WINDOW_MS = 10 * 60 * 1000;

/** Refuses anyone who may not create engagements; otherwise the partner organisations to offer. */
export async function newEngagementForm(
  deps: ServiceDeps,
  teamId: string,
  userId: string,
): Promise<{ partnerOrgs: { id: string; name: string }[] }> {
  await actorWith(deps, teamId, userId, 'create_engagement');
  const orgs = await listPartnerOrgs(deps.db, teamId);
  return { partnerOrgs: orgs.map((o) => ({ id: o.id, name: o.name })) };
}

export type CreateEngagementResult =
  | {
      readonly status: 'created';
      readonly engagement: EngagementRow;
      readonly partnerOrgName: string | null;
      /** Set when the creator asked for a new private channel: create it, then link it. */
      readonly channelToCreate: string | null;
      readonly records: readonly ChainedRecord[];
    }
  /** The same form arrived twice (a double submit or Slack's retry): nothing new was written. */
  | { readonly status: 'duplicate'; readonly engagement: EngagementRow };

function slugTaken(slug: string): never {
  throw new DomainRefusal(
    refuse('conflict', `The slug \`${slug}\` is taken.`, undefined, {
      slug: `\`${slug}\` is already used by another engagement in this workspace; choose another.`,
    }).refusal,
  );
}

function isSlugViolation(error: unknown): boolean {
  const pg = error as { code?: string; constraint?: string } | undefined;
  return pg?.code === '23505' && pg.constraint === 'engagement_slug';
}

function sameRequest(existing: EngagementRow, userId: string, spec: NewEngagementSpec, now: Date) {
  return (
    existing.created_by === userId &&
    existing.name === spec.name.trim() &&
    existing.client === spec.client.trim() &&
    now.getTime() - existing.created_at.getTime() < DUPLICATE_WINDOW_MS
  );
}

/**
 * Creates the engagement in draft and its `engagement.created` record in one change; an
 * existing channel is linked in the same change. Refuses (with a field error per input) an
 * invalid form, a taken slug, people without the roles they need, an unknown partner
 * organisation or a channel already linked elsewhere. A repeat of the same form is a no-op.
 */
export async function createEngagement(
  deps: ServiceDeps,
  request: { teamId: string; userId: string; spec: NewEngagementSpec },
): Promise<CreateEngagementResult> {
  const { teamId, userId, spec } = request;
  try {
    return await runChange(deps, teamId, userId, async (change) => {
      await change.authorize('create_engagement');
      check(checkNewEngagement(spec));
      const existing = await findEngagementBySlug(change.trx, teamId, spec.slug);
      if (existing) {
        if (sameRequest(existing, userId, spec, change.now))
          return { status: 'duplicate', engagement: existing };
        slugTaken(spec.slug);
      }
      return insertAndRecord(change, deps, spec);
    });
  } catch (error) {
    if (!isSlugViolation(error)) throw error;
    // A concurrent create of the same slug won the race: a repeat of ours, or a real clash.
    const existing = await findEngagementBySlug(deps.db, teamId, spec.slug);
    if (existing && sameRequest(existing, userId, spec, deps.clock.now()))
      return { status: 'duplicate', engagement: existing };
    return slugTaken(spec.slug);
  }
}

async function insertAndRecord(
  change: Change,
  deps: ServiceDeps,
  spec: NewEngagementSpec,
): Promise<CreateEngagementResult> {
  const { trx, teamId } = change;
  const people = [...new Set([...spec.sponsorIds, spec.operatorId])];
  const roles = new Map<string, readonly Role[]>();
  for (const id of people) roles.set(id, (await loadActor(trx, teamId, id, deps.admins)).roles);
  check(checkEngagementPeople(spec, (id) => roles.get(id) ?? []));
  const org = spec.partnerOrgId ? await findPartnerOrgById(trx, teamId, spec.partnerOrgId) : null;
  if (spec.partnerOrgId && !org) {
    throw new DomainRefusal(
      refuse('not_found', 'That partner organisation no longer exists.', undefined, {
        partnerOrg: 'That partner organisation no longer exists; pick another or none.',
      }).refusal,
    );
  }
  const linkId = spec.channel.kind === 'link' ? spec.channel.channelId : null;
  if (linkId) await refuseChannelLinkedElsewhere(change, linkId, 'channelExisting');
  const engagement = await insertEngagement(trx, {
    teamId,
    slug: spec.slug,
    name: spec.name.trim(),
    client: spec.client.trim(),
    sponsorIds: spec.sponsorIds,
    operatorId: spec.operatorId,
    partnerOrgId: org?.id ?? null,
    partnerChannelId: null,
    escalationPath: {
      level1: [...spec.escalationPath.level1],
      level2: [...spec.escalationPath.level2],
      level3: [...spec.escalationPath.level3],
    },
    requiredApprovals: spec.requiredApprovals,
    createdBy: change.actor.userId,
    now: change.now,
  });
  const created = await change.record({
    engagementId: engagement.id,
    kind: 'engagement.created',
    subjectRef: null,
    summary: `Engagement ${engagementLabel(engagement.slug)} (${engagement.name}, client ${engagement.client}) created in draft.`,
    details: {
      slug: engagement.slug,
      name: engagement.name,
      client: engagement.client,
      sponsorIds: engagement.sponsor_ids,
      operatorId: engagement.operator_id,
      partnerOrg: org ? { id: org.id, name: org.name } : null,
      requiredApprovals: engagement.required_approvals,
      escalationPath: engagement.escalation_path,
      partnerChannel: spec.channel,
    },
    capability: 'create_engagement',
  });
  const records = [created];
  if (linkId) records.push(await linkAndRecord(change, engagement, linkId, false));
  // The channel created (or the linked one checked) and the creator's summary: a job.
  await partnerChannelPrepared(change, {
    engagementId: engagement.id,
    channel:
      spec.channel.kind === 'create'
        ? { kind: 'create', name: spec.channel.name }
        : { kind: 'check', channelId: spec.channel.channelId },
    summary: 'created',
    key: `${created.seq}`,
  });
  return {
    status: 'created',
    engagement,
    partnerOrgName: org?.name ?? null,
    channelToCreate: spec.channel.kind === 'create' ? spec.channel.name : null,
    records,
  };
}

async function refuseChannelLinkedElsewhere(
  change: Change,
  channelId: string,
  field: string,
): Promise<void> {
  const other = await findEngagementByChannel(change.trx, change.teamId, channelId);
  if (!other) return;
  const message = `That channel is already the partner channel of ${engagementLabel(other.slug)}; each engagement needs its own.`;
  throw new DomainRefusal(refuse('conflict', message, undefined, { [field]: message }).refusal);
}

async function linkAndRecord(
  change: Change,
  engagement: EngagementRow,
  channelId: string,
  created: boolean,
): Promise<ChainedRecord> {
  await setPartnerChannel(change.trx, engagement, channelId, change.now);
  return change.record({
    engagementId: engagement.id,
    kind: 'engagement.channel_linked',
    subjectRef: null,
    summary: `Partner channel ${channelId} ${created ? 'created (private) and linked' : 'linked'}.`,
    details: { channelId, created },
    capability: 'create_engagement',
  });
}

/**
 * Links a partner channel to an engagement that has none, recording `engagement.channel_linked`
 * (`created`: the bot just created it). Refuses when the engagement already has a channel or the
 * channel belongs to another engagement. An existing channel linked by a person is then checked
 * in Slack and the outcome DMed to them (the prepare-partner-channel job, committed with it).
 */
export async function linkPartnerChannel(
  deps: ServiceDeps,
  request: {
    teamId: string;
    userId: string;
    engagementId: string;
    channelId: string;
    created: boolean;
  },
): Promise<{ engagement: EngagementRow; record: ChainedRecord }> {
  const { teamId, userId, engagementId, channelId, created } = request;
  return runChange(deps, teamId, userId, async (change) => {
    await change.authorize('create_engagement');
    const engagement = await lockEngagementRow(change, engagementId);
    refuseIfLinked(engagement);
    await refuseChannelLinkedElsewhere(change, channelId, 'channelExisting');
    const record = await linkAndRecord(change, engagement, channelId, created);
    if (!created) {
      await partnerChannelPrepared(change, {
        engagementId: engagement.id,
        channel: { kind: 'check', channelId },
        summary: 'linked',
        key: `${record.seq}`,
      });
    }
    return { engagement, record };
  });
}

/**
 * A new private partner channel asked for an engagement that has none (the link-a-channel
 * modal): created in Slack, linked and the asker told, by the prepare-partner-channel job this
 * commits. Refuses when the engagement already has a channel.
 */
export async function requestPartnerChannel(
  deps: ServiceDeps,
  request: { teamId: string; userId: string; engagementId: string; name: string },
): Promise<void> {
  await runChange(deps, request.teamId, request.userId, async (change) => {
    await change.authorize('create_engagement');
    const engagement = await lockEngagementRow(change, request.engagementId);
    refuseIfLinked(engagement);
    await partnerChannelPrepared(change, {
      engagementId: engagement.id,
      channel: { kind: 'create', name: request.name },
      summary: 'linked',
      key: `create:${deps.request?.key ?? randomUUID()}`,
    });
  });
}

function refuseIfLinked(engagement: EngagementRow): void {
  if (!engagement.partner_channel_id) return;
  throw new DomainRefusal(
    refuse(
      'conflict',
      `${engagementLabel(engagement.slug)} already has its partner channel <#${engagement.partner_channel_id}>.`,
    ).refusal,
  );
}

/** Refuses unless the user may link a channel to this engagement of the workspace, which has none. */
export async function linkChannelForm(
  deps: ServiceDeps,
  request: { teamId: string; userId: string; engagementId: string },
): Promise<{ engagement: EngagementRow }> {
  await actorWith(deps, request.teamId, request.userId, 'create_engagement');
  const engagement = await findEngagementById(deps.db, request.teamId, request.engagementId);
  if (!engagement) notFound('That engagement no longer exists in this workspace.');
  refuseIfLinked(engagement);
  return { engagement };
}

export interface PartnerAssignment {
  readonly engagement: EngagementRow;
  readonly org: PartnerOrg;
  /** The organisation assigned before, if any. */
  readonly previousOrg: PartnerOrg | null;
  /** The organisation's latest fit verdict; undefined when it has not been assessed. */
  readonly latestVerdict: FitVerdict | undefined;
  /** False when this organisation was already assigned: nothing was written. */
  readonly changed: boolean;
}

/**
 * Sets (or changes) the engagement's partner organisation before activation, recording
 * `engagement.partner_assigned` with the previous organisation. Only its operator or an
 * executive/admin may; refuses an unknown organisation or an engagement already activated.
 */
export async function assignPartnerOrg(
  deps: ServiceDeps,
  request: { teamId: string; userId: string; slug: string; orgName: string },
): Promise<PartnerAssignment> {
  const { teamId, userId, slug, orgName } = request;
  return runChange(deps, teamId, userId, async (change) => {
    if (change.actor.roles.length === 0) await change.authorize('activate');
    const found = await resolveEngagement(change.trx, teamId, slug);
    const engagement = await lockEngagementRow(change, found.id);
    const isOperator = change.actor.userId === engagement.operator_id;
    check(
      checkPartnerAssignment(change.actor, {
        slug: engagement.slug,
        stage: engagement.stage as Stage,
        operatorId: engagement.operator_id,
      }),
    );
    const name = orgName.replace(/\s+/g, ' ').trim();
    const org = await findPartnerOrgByName(change.trx, teamId, name);
    if (!org) {
      notFound(
        `There is no partner organisation called "${name}". \`/amos partner list\` shows them; an admin creates one with \`/amos partner create ${name}\`.`,
      );
    }
    const previousId = engagement.partner_org_id;
    const previousOrg = previousId
      ? await findPartnerOrgById(change.trx, teamId, previousId)
      : null;
    const latestVerdict = (await latestFitAssessment(change.trx, teamId, org.id))?.verdict;
    const result = { engagement, org, previousOrg: previousOrg ?? null, latestVerdict };
    if (previousId === org.id) return { ...result, changed: false };
    await setPartnerOrg(change.trx, engagement, org.id, change.now);
    const label = engagementLabel(engagement.slug);
    await change.record({
      engagementId: engagement.id,
      kind: 'engagement.partner_assigned',
      subjectRef: null,
      summary: previousOrg
        ? `Partner organisation of ${label} changed from ${previousOrg.name} to ${org.name}.`
        : `Partner organisation of ${label} set to ${org.name}.`,
      details: { partnerOrgId: org.id, partnerOrg: org.name, previousPartnerOrgId: previousId },
      capability: isOperator ? 'define_requirements' : 'activate',
    });
    return { ...result, changed: true };
  });
}
