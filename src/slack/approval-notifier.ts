import type { DecideOutcome } from '../services/approval-service.js';
import { type ApprovalView, loadApprovalView } from '../services/approval-view-service.js';
import type { ServiceDeps } from '../services/change.js';

// Every Slack effect of an approval request (the DMs to the sponsors, the in-place updates of
// every copy, App Home, the requester's notice) is a job enqueued with the change that caused
// it (src/services/follow-up.ts, src/jobs/). What is left here serves the reply to the person
// who acted.

/** The request as it stands after a decision, for the voter's reply. */
export async function afterDecision(
  deps: ServiceDeps,
  teamId: string,
  outcome: DecideOutcome,
): Promise<ApprovalView | undefined> {
  return loadApprovalView(deps, teamId, outcome.approvalRequestId);
}

/** True when the clicked message is one of the request's stored copies (a DM), not a list. */
export function isStoredCopy(
  view: ApprovalView | undefined,
  channelId: string | undefined,
  ts: string | undefined,
): boolean {
  return Boolean(view?.copies.some((c) => c.channelId === channelId && c.ts === ts));
}
