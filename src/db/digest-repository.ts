import { sql } from 'kysely';
import type { DigestEngagementFacts } from '../domain/digest.js';
import type { Stage } from '../domain/engagement.js';
import type { Db, Trx } from './database.js';
import type { VoteJson } from './tables.js';

/**
 * What the weekly digest of one executive shows, in four queries: the engagements they sponsor
 * that are not finished, when each entered its stage (its latest transition record, else its
 * creation), their dated scope items and checkpoints, their pending approvals, and each
 * engagement's decision-record head.
 */
export async function loadDigestFacts(
  db: Db | Trx,
  teamId: string,
  executiveId: string,
): Promise<DigestEngagementFacts[]> {
  const engagements = await db
    .selectFrom('engagement')
    .select(['id', 'slug', 'name', 'stage', 'created_at'])
    .where('team_id', '=', teamId)
    .where(sql<boolean>`${executiveId} = any(sponsor_ids)`)
    .where('stage', 'not in', ['completed', 'terminated'])
    .orderBy('slug')
    .limit(200)
    .execute();
  if (engagements.length === 0) return [];
  const ids = engagements.map((e) => e.id);
  const [heads, items, approvals] = await Promise.all([
    sql<{ engagement_id: string; seq: number; hash: string; stage_since: Date | null }>`
      select e.id as engagement_id, h.seq, h.hash, t.at as stage_since
      from engagement e
      left join lateral (
        select seq, hash from decision_record r
        where r.team_id = e.team_id and r.engagement_id = e.id
        order by seq desc limit 1
      ) h on true
      left join lateral (
        select at from decision_record r
        where r.team_id = e.team_id and r.engagement_id = e.id and r.details->>'to' = e.stage
        order by seq desc limit 1
      ) t on true
      where e.team_id = ${teamId} and e.id = any(${ids}::uuid[])`.execute(db),
    sql<{ engagement_id: string; ref: string; title: string; due_date: string }>`
      select engagement_id, ref, title, due_date from scope_item
      where team_id = ${teamId} and engagement_id = any(${ids}::uuid[]) and due_date is not null
      union all
      select engagement_id, ref, name as title, due_date from stage_checkpoint
      where team_id = ${teamId} and engagement_id = any(${ids}::uuid[]) and due_date is not null`.execute(
      db,
    ),
    db
      .selectFrom('approval_request')
      .select(['engagement_id', 'ref', 'subject', 'requested_at', 'requester_ids', 'votes'])
      .where('team_id', '=', teamId)
      .where('engagement_id', 'in', ids)
      .where('status', '=', 'pending')
      .execute(),
  ]);
  const headOf = new Map(heads.rows.map((h) => [h.engagement_id, h]));
  return engagements.map((e) => {
    const head = headOf.get(e.id);
    return {
      id: e.id,
      slug: e.slug,
      name: e.name,
      stage: e.stage as Stage,
      stageSince: head?.stage_since ?? e.created_at,
      dueItems: items.rows
        .filter((i) => i.engagement_id === e.id)
        .map((i) => ({ ref: i.ref, title: i.title, dueDate: i.due_date })),
      pendingApprovals: approvals
        .filter((a) => a.engagement_id === e.id)
        .map((a) => ({
          ref: a.ref,
          subject: a.subject,
          requestedAt: a.requested_at,
          requesterIds: a.requester_ids,
          voterIds: (a.votes as VoteJson[]).map((v) => v.userId),
        })),
      head: head?.seq ? { seq: head.seq, hash: head.hash } : null,
    };
  });
}
