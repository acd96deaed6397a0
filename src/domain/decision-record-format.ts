import type { ChainedRecord, ChainVerification } from './decision-record.js';

/** The file formats the decision record exports to. */
export const EXPORT_FORMATS = ['jsonl', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The label of the workspace-level chain (role grants, partner organisations, fit verdicts). */
export const WORKSPACE_CHAIN = 'workspace';

/** The columns of an export, in order: the same keys in JSON Lines and CSV. */
export const EXPORT_COLUMNS = [
  'engagement',
  'seq',
  'at',
  'actor_id',
  'actor_role',
  'kind',
  'subject_ref',
  'summary',
  'details',
  'prev_hash',
  'hash',
] as const;

/** One exported record: the stored fields, the time as ISO 8601, the chain named by its label. */
export interface ExportRow {
  readonly engagement: string;
  readonly seq: number;
  readonly at: string;
  readonly actor_id: string;
  readonly actor_role: string;
  readonly kind: string;
  readonly subject_ref: string | null;
  readonly summary: string;
  readonly details: unknown;
  readonly prev_hash: string;
  readonly hash: string;
}

/** True when `value` names an export format. */
export function isExportFormat(value: string): value is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(value);
}

/** A record as exported, `engagement` being the chain's label (slug or 'workspace'). */
export function exportRow(record: ChainedRecord, engagement: string): ExportRow {
  return {
    engagement,
    seq: record.seq,
    at: record.at.toISOString(),
    actor_id: record.actorId,
    actor_role: record.actorRole,
    kind: record.kind,
    subject_ref: record.subjectRef,
    summary: record.summary,
    details: record.details ?? null,
    prev_hash: record.prevHash,
    hash: record.hash,
  };
}

/** JSON Lines: one JSON object per record, keys in EXPORT_COLUMNS order, each line ending in \n. */
export function formatJsonLines(records: readonly ChainedRecord[], engagement: string): string {
  return records.map((r) => `${JSON.stringify(exportRow(r, engagement))}\n`).join('');
}

/**
 * CSV per RFC 4180: a header row, CRLF line ends, and a field quoted (quotes doubled) when it
 * holds a comma, quote, CR or LF. Details are written as JSON. A text cell that a spreadsheet
 * would run as a formula (starting with = + - @, tab or CR) is prefixed with ' so opening the
 * file executes nothing; JSON Lines is the byte-faithful export.
 */
export function formatCsv(records: readonly ChainedRecord[], engagement: string): string {
  const lines = [EXPORT_COLUMNS.join(',')];
  for (const record of records) {
    const row = exportRow(record, engagement);
    lines.push(EXPORT_COLUMNS.map((column) => csvField(cellText(row, column))).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

function cellText(row: ExportRow, column: (typeof EXPORT_COLUMNS)[number]): string {
  if (column === 'details') return JSON.stringify(row.details ?? null);
  if (column === 'seq') return String(row.seq);
  return neutralizeFormula(row[column] ?? '');
}

/** One CSV field, quoted only when RFC 4180 requires it. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Prefixes text that a spreadsheet would evaluate as a formula (CSV injection) with '. */
export function neutralizeFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** The export in the given format. */
export function formatExport(
  records: readonly ChainedRecord[],
  engagement: string,
  format: ExportFormat,
): string {
  return format === 'csv' ? formatCsv(records, engagement) : formatJsonLines(records, engagement);
}

/** The file name of an export: `acme-q3-decision-record.csv`, safe on every file system. */
export function exportFilename(engagement: string, format: ExportFormat): string {
  const safe = engagement.toLowerCase().replace(/[^a-z0-9._-]+/g, '-') || 'engagement';
  return `${safe}-decision-record.${format}`;
}

/** The result of verifying one chain, as verify-log reports it. */
export interface ChainReport {
  readonly teamId: string;
  /** The engagement's slug, or 'workspace'. */
  readonly engagement: string;
  readonly verification: ChainVerification;
  /** The highest anchored seq the chain was checked against and reaches, when anchors were given. */
  readonly anchoredSeq?: number;
}

/** One line per chain: `T0AMOS acme-q3: OK 12 records` or `… BROKEN at seq 3: <reason>`. */
export function chainReportLine(report: ChainReport): string {
  const name = `${report.teamId} ${report.engagement}`;
  const v = report.verification;
  if (v.ok) {
    const anchored =
      report.anchoredSeq === undefined
        ? ''
        : `, reaches its anchored head (record ${report.anchoredSeq})`;
    return `${name}: OK ${v.count} ${v.count === 1 ? 'record' : 'records'}${anchored}`;
  }
  return `${name}: BROKEN at seq ${v.brokenAtSeq}: ${v.reason}`;
}

/** The closing line of verify-log: how many chains were checked and how many are broken. */
export function verifySummaryLine(reports: readonly ChainReport[]): string {
  if (reports.length === 0) return 'No decision records to verify.';
  const broken = reports.filter((r) => !r.verification.ok).length;
  const chains = `${reports.length} ${reports.length === 1 ? 'chain' : 'chains'}`;
  if (broken === 0) return `All ${chains} verify.`;
  const verb = broken === 1 ? 'is' : 'are';
  return `${broken} of ${chains} ${verb} BROKEN: records were changed or removed outside AMOS. Do not rely on them until you have restored them from a backup.`;
}
