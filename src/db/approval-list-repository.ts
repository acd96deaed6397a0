import { sql } from 'kysely';
import {
  type ApprovalMessageRow,
  type ApprovalRequestRow,
  REQUEST_ENGAGEMENT_FIELDS,
  type RequestWithEngagementFields,
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
 * engagements, and how many there are in all. One statement: the count reads only the pending
 * requests' narrow columns (a request's engagement is its workspace's, by construction), and the
 * page walks the pending index (team_id, requested_at, ref) and joins only the rows it shows.
 * (It was `count(*) over ()` on the join, which built and sorted every waiting row with its
 * engagement: 1,822 buffers and 1.2 ms for 600 pending, bench/FINDINGS.md "Phase 4".)
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
  const voted = JSON.stringify([{ userId }]);
  // Pending, not requested by them, no vote of theirs: the count's rows and the page's alike.
  const waitingOn = (a: string) => sql`${sql.ref(`${a}.team_id`)} = ${teamId}
    and ${sql.ref(`${a}.status`)} = 'pending'
    and not (${userId} = any(${sql.ref(`${a}.requester_ids`)}))
    and not (${sql.ref(`${a}.votes`)} @> ${voted}::jsonb)`;
  const ofSlug = options.slug
    ? sql`and a.engagement_id = (select id from engagement
        where team_id = ${teamId} and slug = ${options.slug})`
    : sql``;
  const pageOfSlug = options.slug ? sql`and engagement.slug = ${options.slug}` : sql``;
  const { rows: found } = await sql<
    ApprovalRequestRow &
      RequestWithEngagementFields & {
        e_escalation_path: ApprovalEngagementRow['escalation_path'];
        total: number;
      }
  >`
    select t.total, p.* from (
      select count(*)::int as total from approval_request a
      where ${waitingOn('a')} ${ofSlug}
    ) t left join lateral (
      select approval_request.*, ${sql.raw(REQUEST_ENGAGEMENT_FIELDS.join(', '))}
      from approval_request
      join engagement on engagement.id = approval_request.engagement_id
      where ${waitingOn('approval_request')} and engagement.team_id = ${teamId} ${pageOfSlug}
      order by approval_request.requested_at, approval_request.ref, approval_request.id
      limit ${options.limit}
    ) p on true`.execute(db);
  return {
    total: found[0]?.total ?? 0,
    rows: found
      .filter((row) => row.id !== null)
      .map(({ total: _total, ...row }) => splitRequestRow(row)),
  };
}

/** What a request's messages show of its engagement's scope items, checkpoints and copies. */
export interface RequestDetails {
  readonly items: readonly ApprovalItemRow[];
  readonly stages: readonly ApprovalStageRow[];
  readonly copies: readonly ApprovalCopyRow[];
}
export type ApprovalItemRow = Pick<
  ScopeItemRow,
  'engagement_id' | 'ref' | 'title' | 'due_date' | 'criteria'
>;
export type ApprovalStageRow = Pick<
  StageCheckpointRow,
  'engagement_id' | 'ref' | 'name' | 'due_date'
>;
export type ApprovalCopyRow = Pick<
  ApprovalMessageRow,
  'approval_request_id' | 'channel_id' | 'ts' | 'recipient_id'
>;

/**
 * The scope items and stage checkpoints of these engagements and the Slack copies of these
 * requests, in one statement, each in the order of its own read (`listScopeItems`,
 * `listStageCheckpoints`, `listApprovalMessages`); only the text columns a message shows.
 */
export async function listRequestDetailsOf(
  db: Db | Trx,
  teamId: string,
  engagementIds: readonly string[],
  approvalRequestIds: readonly string[],
): Promise<RequestDetails> {
  if (engagementIds.length === 0 && approvalRequestIds.length === 0) {
    return { items: [], stages: [], copies: [] };
  }
  const engagements = [...engagementIds];
  const requests = [...approvalRequestIds];
  const { rows } = await sql<{
    items: ApprovalItemRow[];
    stages: ApprovalStageRow[];
    copies: ApprovalCopyRow[];
  }>`select
    coalesce((select json_agg(json_build_object('engagement_id', engagement_id, 'ref', ref,
        'title', title, 'due_date', due_date, 'criteria', criteria) order by created_at, ref)
      from scope_item where team_id = ${teamId} and engagement_id = any(${engagements})), '[]')
      as items,
    coalesce((select json_agg(json_build_object('engagement_id', engagement_id, 'ref', ref,
        'name', name, 'due_date', due_date) order by due_date, created_at)
      from stage_checkpoint where team_id = ${teamId} and engagement_id = any(${engagements})),
      '[]') as stages,
    coalesce((select json_agg(json_build_object('approval_request_id', approval_request_id,
        'channel_id', channel_id, 'ts', ts, 'recipient_id', recipient_id) order by ts)
      from approval_message where team_id = ${teamId}
        and approval_request_id = any(${requests})), '[]') as copies`.execute(db);
  const row = rows[0];
  return { items: row?.items ?? [], stages: row?.stages ?? [], copies: row?.copies ?? [] };
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
        where o.team_id = ${teamId} and o.status = 'pending'
          and (o.requested_at, o.ref, o.id) < (r.requested_at, r.ref, r.id)
          and not (u.user_id = any(o.requester_ids))
          and not (o.votes @> jsonb_build_array(jsonb_build_object('userId', u.user_id)))
        limit ${limit}
      ) older
    ) < ${limit}`.execute(db);
  return rows.map((r) => r.user_id);
}
