import type { DiagnosticContent, DiagnosticVersion } from '../domain/diagnostic.js';
import type { Db, Trx } from './database.js';

/** One stored version of a Diagnostic: its content and who submitted it when. */
export interface StoredDiagnostic extends DiagnosticVersion, DiagnosticContent {
  readonly id: string;
  readonly engagementId: string;
  readonly submittedAt: Date;
}

/** The latest version of an engagement's Diagnostic, or undefined when none was submitted. */
export async function latestDiagnostic(
  db: Db | Trx,
  teamId: string,
  engagementId: string,
): Promise<StoredDiagnostic | undefined> {
  const row = await db
    .selectFrom('diagnostic')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('engagement_id', '=', engagementId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    engagementId: row.engagement_id,
    ref: row.ref,
    version: row.version,
    authorId: row.author_id,
    frozenAt: row.frozen_at,
    submittedAt: row.submitted_at,
    priorities: row.priorities,
    scores: row.scores,
    findings: row.findings,
    recommendedScope: row.recommended_scope,
  };
}

/** Stores a new version; (engagement, version) is unique, so a version is never overwritten. */
export async function insertDiagnosticVersion(
  trx: Trx,
  row: {
    teamId: string;
    engagementId: string;
    ref: string;
    version: number;
    content: DiagnosticContent;
    authorId: string;
    now: Date;
  },
): Promise<void> {
  await trx
    .insertInto('diagnostic')
    .values({
      team_id: row.teamId,
      engagement_id: row.engagementId,
      ref: row.ref,
      version: row.version,
      priorities: JSON.stringify(row.content.priorities),
      scores: JSON.stringify(row.content.scores),
      findings: row.content.findings,
      recommended_scope: row.content.recommendedScope,
      author_id: row.authorId,
      submitted_at: row.now,
      frozen_at: null,
    })
    .execute();
}

/** Freezes one version (Output Review confirmed it); a version already frozen keeps its time. */
export async function freezeDiagnostic(
  trx: Trx,
  teamId: string,
  diagnosticId: string,
  now: Date,
): Promise<void> {
  await trx
    .updateTable('diagnostic')
    .set({ frozen_at: now })
    .where('team_id', '=', teamId)
    .where('id', '=', diagnosticId)
    .where('frozen_at', 'is', null)
    .execute();
}
