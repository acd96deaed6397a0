import { sql } from 'kysely';
import {
  type ApprovalMessageRow,
  type ApprovalRequestRow,
  REQUEST_ENGAGEMENT_FIELDS,
  splitRequestRow,
} from './approval-repository.js';
import type { Db, Trx } from './database.js';
import type { ScopeItemRow, StageCheckpointRow } from './scope-repository.js';

// The reads of a list of approval requests (`/amos approve`, App Home): a fixed number of
// statements whatever the number of requests, where one `loadApprovalView` per request was
// five (bench/FINDINGS.md, "What each fix bought").

/** The engagement fields a request's messages show. */
export interface ApprovalEngagementRow {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly client: string;
  readonly stage: string;
  readonly sponsor_ids: string[];
  readonly escalation_path: { level1: string[] };
}

/**
 * The pending requests of the workspace waiting on `userId` (not requested or authored by them,
 * no vote of theirs), oldest first, optionally of one engagement: the first `limit`, with their
 * engagements, and how many there are in all. One statement.
 */
export async function listWaitingApprovals(
  db: Db | Trx,
  teamId: string,
  userId: string,
  options: { slug?: string | undefined; limit: number },
): Promise<{
  rows: { request: ApprovalRequestRow; engagement: ApprovalEngagementRow }[];
  total: number;
}> {
  let query = db
    .selectFrom('approval_request')
    .innerJoin('engagement', 'engagement.id', 'approval_request.engagement_id')
    .selectAll('approval_request')
    .select([...REQUEST_ENGAGEMENT_FIELDS, sql<string>`count(*) over ()`.as('total')])
    .where('approval_request.team_id', '=', teamId)
    .where('engagement.team_id', '=', teamId)
    .where('approval_request.status', '=', 'pending')
    .where(sql<boolean>`not (${userId} = any(approval_request.requester_ids))`)
    .where(sql<boolean>`not (approval_request.votes @> ${JSON.stringify([{ userId }])}::jsonb)`);
  if (options.slug) query = query.where('engagement.slug', '=', options.slug);
  const found = await query
    .orderBy('approval_request.requested_at')
    .orderBy('approval_request.ref')
    .orderBy('approval_request.id')
    .limit(options.limit)
    .execute();
  return {
    total: Number(found[0]?.total ?? 0),
    rows: found.map(({ total: _total, ...row }) => splitRequestRow(row)),
  };
}

/** The scope items of these engagements, in each engagement's order (as `listScopeItems`). */
export async function listScopeItemsOf(
  db: Db | Trx,
  teamId: string,
  engagementIds: readonly string[],
): Promise<ScopeItemRow[]> {
  if (engagementIds.length === 0) return [];
  return db
    .selectFrom('scope_item')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('engagement_id', '=', sql<string>`any(${[...engagementIds]})`)
    .orderBy('created_at')
    .orderBy('ref')
    .execute();
}

/** The stage checkpoints of these engagements, in each engagement's order (as `listStageCheckpoints`). */
export async function listStageCheckpointsOf(
  db: Db | Trx,
  teamId: string,
  engagementIds: readonly string[],
): Promise<StageCheckpointRow[]> {
  if (engagementIds.length === 0) return [];
  return db
    .selectFrom('stage_checkpoint')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('engagement_id', '=', sql<string>`any(${[...engagementIds]})`)
    .orderBy('due_date')
    .orderBy('created_at')
    .execute();
}

/** Every stored Slack copy of these requests (as `listApprovalMessages`). */
export async function listApprovalMessagesOf(
  db: Db | Trx,
  teamId: string,
  approvalRequestIds: readonly string[],
): Promise<ApprovalMessageRow[]> {
  if (approvalRequestIds.length === 0) return [];
  return db
    .selectFrom('approval_message')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('approval_request_id', '=', sql<string>`any(${[...approvalRequestIds]})`)
    .orderBy('ts')
    .execute();
}

/**
 * Of `userIds`, those whose waiting list (as `listWaitingApprovals`: same filter, same order)
 * shows this pending request among its first `limit`: the people whose App Home shows its
 * tally. One statement.
 */
export async function waitingListsShowing(
  db: Db | Trx,
  teamId: string,
  request: Pick<ApprovalRequestRow, 'id' | 'requester_ids' | 'votes'>,
  userIds: readonly string[],
  limit: number,
): Promise<string[]> {
  const voters = new Set(request.votes.map((v) => v.userId));
  const candidates = userIds.filter((u) => !request.requester_ids.includes(u) && !voters.has(u));
  if (candidates.length === 0) return [];
  const { rows } = await sql<{ user_id: string }>`
    select u.user_id from unnest(${candidates}::text[]) as u(user_id)
    join approval_request r on r.team_id = ${teamId} and r.id = ${request.id}
    where (
      select count(*) from (
        select 1 from approval_request o
        join engagement e on e.id = o.engagement_id and e.team_id = ${teamId}
        where o.team_id = ${teamId} and o.status = 'pending'
          and (o.requested_at, o.ref, o.id) < (r.requested_at, r.ref, r.id)
          and not (u.user_id = any(o.requester_ids))
          and not (o.votes @> jsonb_build_array(jsonb_build_object('userId', u.user_id)))
        limit ${limit}
      ) older
    ) < ${limit}`.execute(db);
  return rows.map((r) => r.user_id);
}
