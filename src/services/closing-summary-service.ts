import { claimOnce } from '../db/delivery-repository.js';
import { findEngagementById } from '../db/engagement-repository.js';
import {
  chainHead,
  type GovernanceCounts,
  governanceCounts,
  listTerminationWithdrawals,
  listTransitions,
} from '../db/governance-repository.js';
import type { ChainedRecord } from '../domain/decision-record.js';
import type { Stage } from '../domain/engagement.js';
import { gateTimes, type RecordedTransition } from '../domain/governance.js';
import { runChange, type ServiceDeps } from './change.js';

// The close of a terminated engagement's partner channel (the close-partner-channel job): what
// its final summary shows, and the record of the channel's archiving.

/** What the final summary of a terminated engagement's decision record shows. */
export interface ClosingSummary {
  readonly engagementId: string;
  readonly slug: string;
  readonly name: string;
  readonly client: string;
  readonly operatorId: string;
  readonly partnerChannelId: string;
  readonly reason: string;
  readonly terminatedBy: string | null;
  readonly terminatedAt: Date | null;
  readonly transitions: readonly RecordedTransition[];
  readonly gateTimes: Partial<Record<Stage, number>>;
  readonly figures: GovernanceCounts;
  readonly withdrawn: readonly string[];
  readonly recordCount: number;
  readonly headHash: string | null;
}

/**
 * Read after the termination committed (the close-partner-channel job renders it): undefined
 * unless the engagement is terminated and has a partner channel.
 */
export async function loadClosingSummary(
  deps: ServiceDeps,
  teamId: string,
  engagementId: string,
): Promise<ClosingSummary | undefined> {
  const e = await findEngagementById(deps.db, teamId, engagementId);
  if (e?.stage !== 'terminated' || !e.partner_channel_id) return undefined;
  const [transitions, counts, withdrawn, head] = await Promise.all([
    listTransitions(deps.db, teamId, [e.id]),
    governanceCounts(deps.db, teamId, [e.id], new Date(0), '0001-01-01'),
    listTerminationWithdrawals(deps.db, teamId, e.id),
    chainHead(deps.db, teamId, e.id),
  ]);
  const path = transitions.get(e.id) ?? [];
  const end = e.halted_at ?? path.at(-1)?.at ?? deps.clock.now();
  return {
    engagementId: e.id,
    slug: e.slug,
    name: e.name,
    client: e.client,
    operatorId: e.operator_id,
    partnerChannelId: e.partner_channel_id,
    reason: e.halt_reason ?? '',
    terminatedBy: e.halted_by,
    terminatedAt: e.halted_at,
    transitions: path,
    gateTimes: gateTimes(e.created_at, 'terminated', path, end).byStage,
    figures: counts.get(e.id) ?? {
      approvalsOverdue: 0,
      changesApproved: 0,
      changesRejected: 0,
      deliverablesAccepted: 0,
      deliverablesReturned: 0,
      overdueItems: 0,
    },
    withdrawn,
    recordCount: head.count,
    headHash: head.headHash,
  };
}

/**
 * Records `channel.archived` once Slack archived a terminated engagement's partner channel, as
 * its own change; at most once per `onceKey` (a retried job records nothing twice).
 */
export async function recordChannelArchived(
  deps: ServiceDeps,
  done: {
    teamId: string;
    userId: string;
    engagementId: string;
    channelId: string;
    onceKey: string;
  },
): Promise<ChainedRecord | undefined> {
  return runChange(deps, done.teamId, done.userId, async (change) => {
    if (!(await claimOnce(change.trx, done.teamId, done.onceKey))) return undefined;
    return change.record({
      engagementId: done.engagementId,
      kind: 'channel.archived',
      subjectRef: null,
      summary: `The partner channel ${done.channelId} was archived after the final summary was posted.`,
      details: { channel: done.channelId },
      capability: 'terminate',
    });
  });
}
