import type { FitAnswer, FitCriterionKey, FitVerdict } from '../domain/fit.js';
import type { Db, Trx } from './database.js';

export interface StoredFitAssessment {
  id: string;
  partnerOrgId: string;
  version: number;
  answers: Partial<Record<FitCriterionKey, FitAnswer>>;
  verdict: FitVerdict;
  summary: string;
  assessedBy: string;
  assessedAt: Date;
}

/** The latest assessment of a partner organisation (highest version), or undefined. */
export async function latestFitAssessment(
  db: Db | Trx,
  teamId: string,
  partnerOrgId: string,
): Promise<StoredFitAssessment | undefined> {
  const row = await db
    .selectFrom('fit_assessment')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('partner_org_id', '=', partnerOrgId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    partnerOrgId: row.partner_org_id,
    version: row.version,
    answers: row.answers as StoredFitAssessment['answers'],
    verdict: row.verdict,
    summary: row.summary,
    assessedBy: row.assessed_by,
    assessedAt: row.assessed_at,
  };
}

/** Stores one assessment version; the caller holds the organisation's lock and picks the version. */
export async function insertFitAssessment(
  trx: Trx,
  a: Omit<StoredFitAssessment, 'id'> & { teamId: string },
): Promise<string> {
  const row = await trx
    .insertInto('fit_assessment')
    .values({
      team_id: a.teamId,
      partner_org_id: a.partnerOrgId,
      version: a.version,
      answers: JSON.stringify(a.answers),
      verdict: a.verdict,
      summary: a.summary,
      assessed_by: a.assessedBy,
      assessed_at: a.assessedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The latest verdict and version of every assessed organisation of the workspace, by org id. */
export async function latestVerdicts(
  db: Db | Trx,
  teamId: string,
): Promise<Map<string, { verdict: FitVerdict; version: number }>> {
  const rows = await db
    .selectFrom('fit_assessment')
    .select(['partner_org_id', 'verdict', 'version'])
    .distinctOn('partner_org_id')
    .where('team_id', '=', teamId)
    .orderBy('partner_org_id')
    .orderBy('version', 'desc')
    .execute();
  return new Map(rows.map((r) => [r.partner_org_id, { verdict: r.verdict, version: r.version }]));
}
