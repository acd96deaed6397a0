import { withdrawPendingApprovals } from '../db/approval-repository.js';
import {
  freezeDiagnostic,
  insertDiagnosticVersion,
  latestDiagnostic,
  type StoredDiagnostic,
} from '../db/diagnostic-repository.js';
import { type EngagementRow, findEngagementById, nextRef } from '../db/engagement-repository.js';
import type { ChainedRecord } from '../domain/decision-record.js';
import {
  checkDiagnosticContent,
  checkDiagnosticEditable,
  type DiagnosticContent,
  sameDiagnosticContent,
} from '../domain/diagnostic.js';
import type { Stage } from '../domain/engagement.js';
import { ok, type Result, refuse } from '../domain/errors.js';
import { type Change, check, notFound, runChange, type ServiceDeps } from './change.js';
import { applyTransition, lockWithFacts } from './engagement-lifecycle-service.js';
import { resolveVisibleEngagement } from './engagement-status-service.js';
import { approvalMoved } from './follow-up.js';
import { actorWith } from './read-access.js';

interface EngagementRequest {
  teamId: string;
  userId: string;
  slug?: string;
  channelId?: string;
}

/**
 * Before the System Entry form opens: refuses a user who may not submit the Diagnostic (a
 * partner never gets the form), an unknown engagement, or a Diagnostic frozen by review;
 * otherwise the engagement and the latest version to prefill the form with.
 */
export async function openDiagnosticForm(
  deps: ServiceDeps,
  request: EngagementRequest,
): Promise<{ engagement: EngagementRow; latest: StoredDiagnostic | undefined }> {
  const { teamId, userId, slug, channelId } = request;
  const actor = await actorWith(deps, teamId, userId, 'submit_diagnostic');
  const engagement = await resolveVisibleEngagement(deps.db, actor, teamId, slug, channelId);
  const latest = await latestDiagnostic(deps.db, teamId, engagement.id);
  check(checkDiagnosticEditable({ slug: engagement.slug, stage: stage(engagement) }, latest));
  return { engagement, latest };
}

export interface DiagnosticSubmission {
  /** submitted: draft -> diagnostic_submitted; revised: a new version before review; unchanged: a repeat. */
  readonly status: 'submitted' | 'revised' | 'unchanged';
  readonly engagement: EngagementRow;
  readonly ref: string;
  readonly version: number;
  readonly record: ChainedRecord | null;
}

/**
 * System Entry. In draft, stores the next version (DX-n on the first) and moves the engagement
 * to diagnostic submitted; while submitted, stores a new version recorded as
 * `diagnostic.revised`. A form identical to the version under review writes nothing.
 */
export async function submitDiagnostic(
  deps: ServiceDeps,
  request: { teamId: string; userId: string; engagementId: string; content: DiagnosticContent },
): Promise<DiagnosticSubmission> {
  const { teamId, userId, engagementId, content } = request;
  await requireEngagement(deps, teamId, engagementId);
  return runChange(deps, teamId, userId, async (change) => {
    await change.authorize('submit_diagnostic');
    const locked = await lockWithFacts(change, engagementId);
    const { engagement } = locked;
    const latest = await latestDiagnostic(change.trx, teamId, engagement.id);
    check(checkDiagnosticEditable({ slug: engagement.slug, stage: stage(engagement) }, latest));
    const cleaned = normalised(content);
    check(checkDiagnosticContent(cleaned));
    const submitted = stage(engagement) === 'diagnostic_submitted';
    if (latest && submitted && sameDiagnosticContent(latest, cleaned)) {
      return { status: 'unchanged', engagement, ...refOf(latest), record: null };
    }
    const ref = latest?.ref ?? (await nextRef(change.trx, engagement, 'DX'));
    const version = (latest?.version ?? 0) + 1;
    await insertDiagnosticVersion(change.trx, {
      teamId,
      engagementId: engagement.id,
      ref,
      version,
      content: cleaned,
      authorId: userId,
      now: change.now,
    });
    if (submitted) {
      const record = await change.record({
        engagementId: engagement.id,
        kind: 'diagnostic.revised',
        subjectRef: ref,
        summary: `Diagnostic ${ref} revised to v${version} before Output Review.`,
        details: {
          diagnosticRef: ref,
          diagnosticVersion: version,
          previousVersion: latest?.version,
        },
        capability: 'submit_diagnostic',
      });
      return { status: 'revised', engagement, ref, version, record };
    }
    const withDiagnostic = {
      engagement,
      facts: { ...locked.facts, diagnostic: { ref, authorId: userId, version } },
    };
    const { record } = await applyTransition(
      change,
      withDiagnostic,
      'submit_diagnostic',
      {},
      deps.admins,
    );
    return {
      status: 'submitted',
      engagement: { ...engagement, stage: 'diagnostic_submitted' },
      ref,
      version,
      record,
    };
  });
}

/** `/amos review` with no decision: the latest Diagnostic, for executives who review it. */
export async function showDiagnosticForReview(
  deps: ServiceDeps,
  request: EngagementRequest,
): Promise<{ engagement: EngagementRow; latest: StoredDiagnostic; canDecide: boolean }> {
  const { teamId, userId, slug, channelId } = request;
  const actor = await actorWith(deps, teamId, userId, 'review_outputs');
  const engagement = await resolveVisibleEngagement(deps.db, actor, teamId, slug, channelId);
  const latest = await latestDiagnostic(deps.db, teamId, engagement.id);
  if (!latest) {
    notFound(
      `${engagement.slug.toUpperCase()} has no Diagnostic yet: its operator <@${engagement.operator_id}> submits it with \`/amos diagnostic ${engagement.slug}\`.`,
    );
  }
  const canDecide = engagement.stage === 'diagnostic_submitted' && latest.authorId !== userId;
  return { engagement, latest, canDecide };
}

export interface ReviewDecision {
  readonly decision: 'confirmed' | 'sent_back';
  readonly engagement: EngagementRow;
  /** The version confirmed (and frozen) or sent back. */
  readonly diagnostic: { ref: string; version: number; authorId: string } | null;
  readonly record: ChainedRecord;
  /** Approval requests (EX-n) that were pending and are withdrawn by this send-back. */
  readonly withdrawn: readonly { id: string; ref: string }[];
}

/**
 * Output Review. `confirm` moves the engagement to outputs reviewed and freezes the reviewed
 * Diagnostic version in the same change; `send_back` returns it to draft with the reason and
 * withdraws every approval request still pending (one `approval.withdrawn` record each).
 * With `expectedVersion` (the version the reviewer was shown) a newer version is refused as a
 * `conflict`, so nobody confirms a version they never saw. Role, stage, reason and separation
 * of duties are the domain's (the author cannot review).
 */
export async function reviewDiagnostic(
  deps: ServiceDeps,
  request: {
    teamId: string;
    userId: string;
    /** The engagement by id (buttons, modals) or by slug / partner channel (commands). */
    target: { engagementId: string } | { slug?: string; channelId?: string };
    decision: 'confirm' | 'send_back';
    /** The note on a confirmation, or the reason for a send-back. */
    text?: string;
    /** The Diagnostic version the reviewer was shown (buttons, modals); commands take the latest. */
    expectedVersion?: number;
  },
): Promise<ReviewDecision> {
  const { teamId, userId, target, decision, text, expectedVersion } = request;
  let engagementId: string;
  if ('engagementId' in target) {
    engagementId = (await requireEngagement(deps, teamId, target.engagementId)).id;
  } else {
    const actor = await actorWith(deps, teamId, userId, 'review_outputs');
    const found = await resolveVisibleEngagement(
      deps.db,
      actor,
      teamId,
      target.slug,
      target.channelId,
    );
    engagementId = found.id;
  }
  return runChange(deps, teamId, userId, async (change) => {
    const locked = await lockWithFacts(change, engagementId);
    const latest = await latestDiagnostic(change.trx, teamId, engagementId);
    if (latest && expectedVersion !== undefined) {
      check(checkShownVersion(latest, expectedVersion, locked.engagement.slug));
    }
    const input = decision === 'confirm' ? { note: text } : { reason: text };
    const action = decision === 'confirm' ? 'review_outputs' : 'send_back';
    const { outcome, record } = await applyTransition(change, locked, action, input, deps.admins);
    if (decision === 'confirm' && latest) {
      await freezeDiagnostic(change.trx, teamId, latest.id, change.now);
    }
    const withdrawn = decision === 'send_back' ? await withdrawApprovals(change, engagementId) : [];
    for (const request of withdrawn) {
      await approvalMoved(change, { approvalRequestId: request.id, decided: false });
    }
    return {
      decision: decision === 'confirm' ? 'confirmed' : 'sent_back',
      engagement: { ...locked.engagement, stage: outcome.to },
      diagnostic: latest
        ? { ref: latest.ref, version: latest.version, authorId: latest.authorId }
        : null,
      record,
      withdrawn,
    };
  });
}

/** Refuses (`conflict`) when the Diagnostic was revised after the reviewer was shown a version. */
function checkShownVersion(
  latest: { ref: string; version: number },
  shown: number,
  slug: string,
): Result<void> {
  if (latest.version === shown) return ok();
  return refuse(
    'conflict',
    `${latest.ref} was revised to v${latest.version} after you opened it: review v${latest.version} with \`/amos review ${slug}\`.`,
  );
}

/** Inside a send-back: closes the engagement's pending approval requests and records each. */
async function withdrawApprovals(change: Change, engagementId: string) {
  const rows = await withdrawPendingApprovals(
    change.trx,
    change.teamId,
    engagementId,
    change.now,
    change.actor.userId,
  );
  for (const row of rows) {
    await change.record({
      engagementId,
      kind: 'approval.withdrawn',
      subjectRef: row.ref,
      summary: `${row.ref} withdrawn: the Diagnostic outputs were sent back to draft, so it is no longer up for approval.`,
      details: { reason: 'outputs sent back', approvalRequestId: row.id, subject: row.subject },
      capability: 'review_outputs',
    });
  }
  return rows.map((row) => ({ id: row.id, ref: row.ref }));
}

/** The engagement of this workspace with this id (from a button or modal), or not_found. */
async function requireEngagement(deps: ServiceDeps, teamId: string, engagementId: string) {
  const engagement = await findEngagementById(deps.db, teamId, engagementId);
  if (!engagement) notFound('That engagement no longer exists in this workspace.');
  return engagement;
}

function stage(engagement: EngagementRow): Stage {
  return engagement.stage as Stage;
}

function refOf(latest: StoredDiagnostic): { ref: string; version: number } {
  return { ref: latest.ref, version: latest.version };
}

function normalised(content: DiagnosticContent): DiagnosticContent {
  return {
    priorities: content.priorities.map((p) => p.trim()).filter((p) => p.length > 0),
    scores: content.scores,
    findings: content.findings.trim(),
    recommendedScope: content.recommendedScope.trim(),
  };
}
