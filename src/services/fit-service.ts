import {
  insertFitAssessment,
  latestFitAssessment,
  type StoredFitAssessment,
} from '../db/fit-repository.js';
import { findPartnerOrgById, lockPartnerOrg, type PartnerOrg } from '../db/partner-repository.js';
import {
  assessFit,
  FIT_CRITERIA,
  type FitAnswer,
  type FitAssessment,
  type FitCriterionKey,
} from '../domain/fit.js';
import { isRepeatedFitSubmission } from '../domain/fit-resubmission.js';
import { check, notFound, runChange, type ServiceDeps } from './change.js';
import { findOrgOrRefuse } from './partner-service.js';
import { requireCapability } from './role-service.js';

/** The organisation to assess and its latest assessment, to prefill the form. */
export interface FitTarget {
  readonly org: PartnerOrg;
  readonly latest?: StoredFitAssessment;
}

/** What a submitted assessment led to. */
export interface FitOutcome {
  readonly org: PartnerOrg;
  readonly version: number;
  readonly assessment: FitAssessment;
  /** The verdict this one supersedes, if any. */
  readonly previous?: { verdict: StoredFitAssessment['verdict']; version: number };
  /** True when this repeated the latest assessment (a double submit): nothing new was stored. */
  readonly repeated: boolean;
}

export type FitAnswersInput = Readonly<Partial<Record<FitCriterionKey, FitAnswer>>>;

/** Refuses unless the user may assess fit (executive or admin); returns the named organisation. */
export async function prepareFitAssessment(
  deps: ServiceDeps,
  teamId: string,
  actorId: string,
  orgName: string,
): Promise<FitTarget> {
  await requireCapability(deps, teamId, actorId, 'assess_fit');
  if (!orgName.trim()) {
    notFound(
      'Which partner organisation? Type `/amos fit <organisation name>`; `/amos partner list` shows them.',
    );
  }
  const org = await findOrgOrRefuse(deps.db, teamId, orgName);
  const latest = await latestFitAssessment(deps.db, teamId, org.id);
  return latest ? { org, latest } : { org };
}

/**
 * Records a fit assessment (executives and admins): validated by the domain (inline field
 * errors), stored as the next version and appended as `fit.assessed` to the workspace chain.
 * An identical re-submission by the same person moments later stores nothing new.
 */
export async function submitFitAssessment(
  deps: ServiceDeps,
  teamId: string,
  actorId: string,
  input: { partnerOrgId: string; answers: FitAnswersInput },
): Promise<FitOutcome> {
  return runChange(deps, teamId, actorId, async (change) => {
    await change.authorize('assess_fit');
    const org = await findPartnerOrgById(change.trx, teamId, input.partnerOrgId);
    if (!org) {
      notFound(
        'That partner organisation no longer exists in this workspace. `/amos partner list` shows them.',
      );
    }
    const assessment = check(assessFit(input.answers));
    const answers = normalised(input.answers);
    await lockPartnerOrg(change.trx, teamId, org.id);
    const latest = await latestFitAssessment(change.trx, teamId, org.id);
    const previous = latest && { verdict: latest.verdict, version: latest.version };
    if (latest && isRepeatedFitSubmission(latest, actorId, answers, change.now)) {
      return { org, version: latest.version, assessment, repeated: true };
    }
    const version = (latest?.version ?? 0) + 1;
    await insertFitAssessment(change.trx, {
      teamId,
      partnerOrgId: org.id,
      version,
      answers,
      verdict: assessment.verdict,
      summary: assessment.summary,
      assessedBy: actorId,
      assessedAt: change.now,
    });
    await change.record({
      engagementId: null,
      kind: 'fit.assessed',
      subjectRef: null,
      summary: `Fit assessment v${version} of ${org.name}: ${assessment.summary}`,
      details: {
        partnerOrgId: org.id,
        partnerOrg: org.name,
        version,
        verdict: assessment.verdict,
        redFlags: assessment.redFlags,
        missingSignals: assessment.missingSignals,
      },
      capability: 'assess_fit',
    });
    return { org, version, assessment, repeated: false, ...(previous ? { previous } : {}) };
  });
}

/** Every criterion answered, evidence trimmed, in the criteria's order. */
function normalised(answers: FitAnswersInput): Record<FitCriterionKey, FitAnswer> {
  const out = {} as Record<FitCriterionKey, FitAnswer>;
  for (const { key } of FIT_CRITERIA) {
    const answer = answers[key];
    out[key] = { holds: answer?.holds ?? false, evidence: answer?.evidence.trim() ?? '' };
  }
  return out;
}
