import {
  type CharterAck,
  hasAcknowledgedCharter,
  insertCharterAck,
  listCharterAcks,
} from '../db/charter-repository.js';
import type { Db, Trx } from '../db/database.js';
import { findEngagementById } from '../db/engagement-repository.js';
import { isMemberOfPartnerOrg, listPartnerMemberIds } from '../db/partner-member-repository.js';
import { CHARTER_VERSION } from '../domain/charter.js';
import { mayAcknowledgeCharter } from '../domain/charter-ack.js';
import type { ChainedRecord } from '../domain/decision-record.js';
import type { Stage } from '../domain/engagement.js';
import { partnerMayAct } from '../domain/gating.js';
import { check, runChange, type ServiceDeps } from './change.js';
import { haltOf, lockEngagementRow } from './engagement-lifecycle-service.js';
import { charterAckShown } from './follow-up.js';

export interface CharterAcknowledgement {
  readonly engagement: { readonly id: string; readonly slug: string };
  /** False when this member had already acknowledged: nothing was written. */
  readonly acknowledged: boolean;
  readonly record?: ChainedRecord;
  /** The partner organisation's members and every acknowledgement so far, to show progress. */
  readonly memberIds: readonly string[];
  readonly acks: readonly CharterAck[];
}

/**
 * A partner member acknowledges the engagement charter. Only members of the engagement's
 * partner organisation, only once the partner is activated; idempotent (a second click writes
 * nothing and records nothing). Writes `charter_ack` and a `charter.acknowledged` record together.
 */
export async function acknowledgeCharter(
  deps: ServiceDeps,
  request: {
    teamId: string;
    userId: string;
    engagementId: string;
    /** The request message clicked: updated in place (a job committed with the acknowledgement). */
    shownIn?: { channelId: string; ts: string; responseUrl?: string };
  },
): Promise<CharterAcknowledgement> {
  const { teamId, userId } = request;
  return runChange(deps, teamId, userId, async (change) => {
    const engagement = await lockEngagementRow(change, request.engagementId);
    const orgId = engagement.partner_org_id;
    const isMember = orgId ? await isMemberOfPartnerOrg(change.trx, teamId, orgId, userId) : false;
    check(
      mayAcknowledgeCharter(
        { slug: engagement.slug, stage: engagement.stage as Stage },
        { isMemberOfEngagementOrg: isMember },
      ),
    );
    const acknowledged = await insertCharterAck(change.trx, {
      teamId,
      engagementId: engagement.id,
      userId,
      charterVersion: CHARTER_VERSION,
      at: change.now,
    });
    const record = acknowledged
      ? await change.record({
          engagementId: engagement.id,
          kind: 'charter.acknowledged',
          subjectRef: null,
          summary: `${userId} acknowledged the engagement charter (version ${CHARTER_VERSION}).`,
          details: { userId, partnerOrgId: orgId, charterVersion: CHARTER_VERSION },
          capability: 'partner_act',
        })
      : undefined;
    if (acknowledged && request.shownIn) {
      await charterAckShown(change, { engagementId: engagement.id, ...request.shownIn });
    }
    return {
      engagement: { id: engagement.id, slug: engagement.slug },
      acknowledged,
      ...(record ? { record } : {}),
      memberIds: orgId ? await listPartnerMemberIds(change.trx, teamId, orgId) : [],
      acks: await listCharterAcks(change.trx, teamId, engagement.id),
    };
  });
}

/**
 * Refuses (throws DomainRefusal) unless the user may act as a partner on the engagement: a
 * member of its partner organisation, the engagement active, the charter acknowledged. For
 * every partner action (deliverables, stage outcomes, risks, change requests); call it inside
 * the action's change with its transaction.
 */
export async function assertPartnerMayAct(
  db: Db | Trx,
  teamId: string,
  engagement: {
    readonly id: string;
    readonly slug: string;
    readonly stage: string;
    readonly partner_org_id: string | null;
    readonly halt_reason?: string | null;
    readonly halted_by?: string | null;
  },
  userId: string,
): Promise<void> {
  const orgId = engagement.partner_org_id;
  const [isMember, acknowledged] = await Promise.all([
    orgId ? isMemberOfPartnerOrg(db, teamId, orgId, userId) : Promise.resolve(false),
    hasAcknowledgedCharter(db, teamId, engagement.id, userId),
  ]);
  check(
    partnerMayAct(
      { slug: engagement.slug, stage: engagement.stage as Stage, ...haltOf(engagement) },
      { isMemberOfEngagementOrg: isMember, acknowledgedCharter: acknowledged },
    ),
  );
}

/** Who must acknowledge the charter and who has, as committed now (to render the request). */
export async function charterProgress(
  deps: ServiceDeps,
  teamId: string,
  engagementId: string,
): Promise<Omit<CharterAcknowledgement, 'acknowledged' | 'record'> | undefined> {
  const engagement = await findEngagementById(deps.db, teamId, engagementId);
  if (!engagement) return undefined;
  const orgId = engagement.partner_org_id;
  const [memberIds, acks] = await Promise.all([
    orgId ? listPartnerMemberIds(deps.db, teamId, orgId) : Promise.resolve([]),
    listCharterAcks(deps.db, teamId, engagement.id),
  ]);
  return { engagement: { id: engagement.id, slug: engagement.slug }, memberIds, acks };
}
