import type { Selectable } from 'kysely';
import type { ApprovalRequest, ApprovalStatus } from '../domain/approvals.js';
import type { Db, Trx } from './database.js';
import type { ApprovalMessageTable, ApprovalRequestTable } from './tables.js';

export type ApprovalRequestRow = Selectable<ApprovalRequestTable>;
export type ApprovalMessageRow = Selectable<ApprovalMessageTable>;

/** The domain view of a stored request (votes' times as Dates). */
export function toApprovalRequest(row: ApprovalRequestRow): ApprovalRequest {
  return {
    ref: row.ref,
    requiredApprovals: row.required_approvals,
    requesterIds: row.requester_ids,
    status: row.status,
    votes: row.votes.map((v) => ({
      userId: v.userId,
      decision: v.decision,
      ...(v.note ? { note: v.note } : {}),
      at: new Date(v.at),
    })),
  };
}

/** Stores a new request opened in the domain; returns the row. */
export async function insertApprovalRequest(
  trx: Trx,
  input: {
    teamId: string;
    engagementId: string;
    subject: string;
    request: ApprovalRequest;
    requestedBy: string;
    now: Date;
  },
): Promise<ApprovalRequestRow> {
  return trx
    .insertInto('approval_request')
    .values({
      team_id: input.teamId,
      engagement_id: input.engagementId,
      ref: input.request.ref,
      subject: input.subject,
      required_approvals: input.request.requiredApprovals,
      requester_ids: [...input.request.requesterIds],
      requested_by: input.requestedBy,
      requested_at: input.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Writes the votes and status of a request decided in the domain; decided_at is set once it is no longer pending. */
export async function saveApprovalVotes(
  trx: Trx,
  row: Pick<ApprovalRequestRow, 'id' | 'team_id'>,
  request: ApprovalRequest,
  now: Date,
): Promise<void> {
  const status: ApprovalStatus = request.status;
  await trx
    .updateTable('approval_request')
    .set({
      status,
      votes: JSON.stringify(
        request.votes.map((v) => ({
          userId: v.userId,
          decision: v.decision,
          ...(v.note ? { note: v.note } : {}),
          at: v.at.toISOString(),
        })),
      ),
      ...(status === 'pending' ? {} : { decided_at: now }),
    })
    .where('team_id', '=', row.team_id)
    .where('id', '=', row.id)
    .execute();
}

/**
 * Closes every pending request of the engagement as `withdrawn` (decided now, by `withdrawnBy`)
 * and returns them, oldest first; requests already decided are left as they are.
 */
export async function withdrawPendingApprovals(
  trx: Trx,
  teamId: string,
  engagementId: string,
  now: Date,
  withdrawnBy: string,
  /** Why, when not a send-back: 'terminated' (the engagement was terminated). */
  reason: string | null = null,
): Promise<ApprovalRequestRow[]> {
  const rows = await trx
    .updateTable('approval_request')
    .set({
      status: 'withdrawn',
      decided_at: now,
      withdrawn_by: withdrawnBy,
      withdrawn_reason: reason,
    })
    .where('team_id', '=', teamId)
    .where('engagement_id', '=', engagementId)
    .where('status', '=', 'pending')
    .returningAll()
    .execute();
  return rows.sort(
    (a, b) => a.requested_at.getTime() - b.requested_at.getTime() || a.ref.localeCompare(b.ref),
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One request of the workspace by id (a uuid check keeps malformed button values harmless). */
export async function findApprovalRequest(
  db: Db | Trx,
  teamId: string,
  id: string,
): Promise<ApprovalRequestRow | undefined> {
  if (!UUID.test(id)) return undefined;
  return db
    .selectFrom('approval_request')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The engagement fields read with a request (every rendering of a request shows them). */
export const REQUEST_ENGAGEMENT_FIELDS = [
  'engagement.slug as e_slug',
  'engagement.name as e_name',
  'engagement.client as e_client',
  'engagement.stage as e_stage',
  'engagement.sponsor_ids as e_sponsor_ids',
  'engagement.escalation_path as e_escalation_path',
] as const;

export interface RequestWithEngagementFields {
  readonly engagement_id: string;
  readonly e_slug: string;
  readonly e_name: string;
  readonly e_client: string;
  readonly e_stage: string;
  readonly e_sponsor_ids: string[];
  readonly e_escalation_path: unknown;
}

/** A row read with REQUEST_ENGAGEMENT_FIELDS, split into the request and its engagement. */
export function splitRequestRow<R extends RequestWithEngagementFields>(row: R) {
  const { e_slug, e_name, e_client, e_stage, e_sponsor_ids, e_escalation_path, ...request } = row;
  return {
    request: request as unknown as ApprovalRequestRow,
    engagement: {
      id: row.engagement_id,
      slug: e_slug,
      name: e_name,
      client: e_client,
      stage: e_stage,
      sponsor_ids: e_sponsor_ids,
      escalation_path: e_escalation_path as R['e_escalation_path'],
    },
  };
}

/**
 * A request of the workspace with the engagement fields its messages show, in one statement
 * (every rendering of a request reads it: lists, App Home, copies).
 */
export async function findApprovalWithEngagement(db: Db | Trx, teamId: string, id: string) {
  if (!UUID.test(id)) return undefined;
  const row = await db
    .selectFrom('approval_request')
    .innerJoin('engagement', 'engagement.id', 'approval_request.engagement_id')
    .selectAll('approval_request')
    .select(REQUEST_ENGAGEMENT_FIELDS)
    .where('approval_request.team_id', '=', teamId)
    .where('engagement.team_id', '=', teamId)
    .where('approval_request.id', '=', id)
    .executeTakeFirst();
  return row ? splitRequestRow(row) : undefined;
}

/**
 * The vote path's lock: locks the request's engagement row (so votes on its requests, and every
 * other change of the engagement, serialise), then re-reads the request with the engagement's
 * slug and stage. Two statements on purpose: a row lock waited for in a join re-reads only the
 * locked row, so the request must be read by a statement that starts once the lock is held.
 */
export async function lockApprovalForVote(
  trx: Trx,
  teamId: string,
  engagementId: string,
  id: string,
) {
  const engagement = await trx
    .selectFrom('engagement')
    .select(['slug', 'stage'])
    .where('team_id', '=', teamId)
    .where('id', '=', engagementId)
    .forUpdate()
    .executeTakeFirst();
  if (!engagement) return undefined;
  const request = await trx
    .selectFrom('approval_request')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!request) return undefined;
  return { request, slug: engagement.slug, stage: engagement.stage };
}

/** Requests of the workspace with this ref (one per engagement at most), optionally of one engagement. */
export async function findApprovalRequestsByRef(
  db: Db | Trx,
  teamId: string,
  ref: string,
  engagementId?: string,
): Promise<(ApprovalRequestRow & { slug: string })[]> {
  let query = db
    .selectFrom('approval_request')
    .innerJoin('engagement', 'engagement.id', 'approval_request.engagement_id')
    .selectAll('approval_request')
    .select('engagement.slug')
    .where('approval_request.team_id', '=', teamId)
    .where('engagement.team_id', '=', teamId)
    .where('approval_request.ref', '=', ref);
  if (engagementId) query = query.where('approval_request.engagement_id', '=', engagementId);
  return query.orderBy('engagement.slug').execute();
}

/** The most recent request on a subject of an engagement, optionally only with `status`. */
function latestApprovalQuery(
  db: Db | Trx,
  teamId: string,
  engagementId: string,
  subject: string,
  status?: ApprovalRequestRow['status'],
) {
  let query = db
    .selectFrom('approval_request')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('engagement_id', '=', engagementId)
    .where('subject', '=', subject);
  if (status) query = query.where('status', '=', status);
  return query.orderBy('requested_at', 'desc').executeTakeFirst();
}

/** The pending request on a subject of an engagement, if any (at most one by rule). */
export function findPendingApproval(
  db: Db | Trx,
  teamId: string,
  engagementId: string,
  subject: string,
): Promise<ApprovalRequestRow | undefined> {
  return latestApprovalQuery(db, teamId, engagementId, subject, 'pending');
}

/** The most recent request on a subject of an engagement, whatever its status. */
export function findLatestApproval(
  db: Db | Trx,
  teamId: string,
  engagementId: string,
  subject: string,
): Promise<ApprovalRequestRow | undefined> {
  return latestApprovalQuery(db, teamId, engagementId, subject);
}

/** Every pending request of the workspace, oldest first, with its engagement's slug and name. */
export async function listPendingApprovals(
  db: Db | Trx,
  teamId: string,
): Promise<(ApprovalRequestRow & { slug: string; name: string })[]> {
  return db
    .selectFrom('approval_request')
    .innerJoin('engagement', 'engagement.id', 'approval_request.engagement_id')
    .selectAll('approval_request')
    .select(['engagement.slug', 'engagement.name'])
    .where('approval_request.team_id', '=', teamId)
    .where('engagement.team_id', '=', teamId)
    .where('approval_request.status', '=', 'pending')
    .orderBy('approval_request.requested_at')
    .orderBy('approval_request.ref')
    .execute();
}

/** Remembers one Slack copy of a request (a DM or post) so it can be updated in place later. */
export async function insertApprovalMessage(
  db: Db | Trx,
  message: {
    teamId: string;
    approvalRequestId: string;
    channelId: string;
    ts: string;
    recipientId: string | null;
  },
): Promise<void> {
  await db
    .insertInto('approval_message')
    .values({
      team_id: message.teamId,
      approval_request_id: message.approvalRequestId,
      channel_id: message.channelId,
      ts: message.ts,
      recipient_id: message.recipientId,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}
