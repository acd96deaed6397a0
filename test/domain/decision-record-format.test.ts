import { describe, expect, it } from 'vitest';
import {
  type ChainedRecord,
  chainNext,
  type RecordInput,
} from '../../src/domain/decision-record.js';
import {
  type ChainReport,
  chainReportLine,
  csvField,
  EXPORT_COLUMNS,
  exportFilename,
  formatCsv,
  formatExport,
  formatJsonLines,
  isExportFormat,
  neutralizeFormula,
  verifySummaryLine,
} from '../../src/domain/decision-record-format.js';
import { NOW } from './fixtures.js';

const base: Omit<RecordInput, 'seq'> = {
  teamId: 'T1',
  engagementId: 'eng-1',
  at: NOW,
  actorId: 'U_EXEC1',
  actorRole: 'executive',
  kind: 'engagement.paused',
  subjectRef: 'SC-2',
  summary: 'Paused: QA breach',
  details: { reason: 'QA breach', refs: ['SC-2'] },
};

function chain(...overrides: Partial<Omit<RecordInput, 'seq'>>[]): ChainedRecord[] {
  const records: ChainedRecord[] = [];
  for (const o of overrides) records.push(chainNext(records.at(-1) ?? null, { ...base, ...o }));
  return records;
}

/** A strict RFC 4180 reader, to prove the CSV parses back to exactly the fields written. */
function parseCsv(text: string): string[][] {
  const field = /(?:"((?:[^"]|"")*)"|([^",\r\n]*))(,|\r\n)/y;
  const rows: string[][] = [];
  let row: string[] = [];
  while (field.lastIndex < text.length) {
    const at = field.lastIndex;
    const match = field.exec(text);
    if (!match) throw new Error(`not RFC 4180 at offset ${at}`);
    row.push(match[1] !== undefined ? match[1].replaceAll('""', '"') : (match[2] ?? ''));
    if (match[3] === '\r\n') {
      rows.push(row);
      row = [];
    }
  }
  if (row.length > 0) throw new Error('last row has no CRLF');
  return rows;
}

describe('JSON Lines export', () => {
  it('writes one object per record, in column order, with ISO time and details as JSON', () => {
    const records = chain({}, { summary: 'Resumed.', subjectRef: null, details: {} });
    const text = formatJsonLines(records, 'acme-q3');
    const lines = text.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    const first = JSON.parse(lines[0] as string);
    expect(Object.keys(first)).toEqual([...EXPORT_COLUMNS]);
    expect(first).toEqual({
      engagement: 'acme-q3',
      seq: 1,
      at: '2025-03-14T10:00:00.000Z',
      actor_id: 'U_EXEC1',
      actor_role: 'executive',
      kind: 'engagement.paused',
      subject_ref: 'SC-2',
      summary: 'Paused: QA breach',
      details: { reason: 'QA breach', refs: ['SC-2'] },
      prev_hash: records[0]?.prevHash,
      hash: records[0]?.hash,
    });
    expect(JSON.parse(lines[1] as string)).toMatchObject({
      seq: 2,
      subject_ref: null,
      prev_hash: records[0]?.hash,
    });
  });

  it('keeps a summary with newlines on one line and is empty for no records', () => {
    const text = formatJsonLines(chain({ summary: 'line one\nline two' }), 'acme-q3');
    expect(text.split('\n')).toHaveLength(2);
    expect(JSON.parse(text).summary).toBe('line one\nline two');
    expect(formatJsonLines([], 'acme-q3')).toBe('');
  });
});

describe('CSV export (RFC 4180)', () => {
  it('has a header row and CRLF line ends', () => {
    const text = formatCsv(chain({}), 'acme-q3');
    expect(text.startsWith(`${EXPORT_COLUMNS.join(',')}\r\n`)).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')).toHaveLength(3);
  });

  it('quotes commas, quotes and line breaks so every field parses back exactly', () => {
    const summary = 'Sent back: "scores", again,\r\nsee <@U0EXEC|ann>\nnow';
    const records = chain({ summary, details: { note: 'a "b", c' } });
    const rows = parseCsv(formatCsv(records, 'acme-q3'));
    expect(rows).toHaveLength(2);
    const row = Object.fromEntries(EXPORT_COLUMNS.map((c, i) => [c, rows[1]?.[i]]));
    expect(row).toEqual({
      engagement: 'acme-q3',
      seq: '1',
      at: '2025-03-14T10:00:00.000Z',
      actor_id: 'U_EXEC1',
      actor_role: 'executive',
      kind: 'engagement.paused',
      subject_ref: 'SC-2',
      summary,
      details: '{"note":"a \\"b\\", c"}',
      prev_hash: records[0]?.prevHash,
      hash: records[0]?.hash,
    });
  });

  it('leaves a null subject reference empty', () => {
    const rows = parseCsv(formatCsv(chain({ subjectRef: null }), 'acme-q3'));
    expect(rows[1]?.[EXPORT_COLUMNS.indexOf('subject_ref')]).toBe('');
  });

  it('quotes only when needed', () => {
    expect(csvField('plain text')).toBe('plain text');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });

  it('defuses cells a spreadsheet would run as a formula', () => {
    const rows = parseCsv(formatCsv(chain({ summary: '=HYPERLINK("http://x","y")' }), 'e'));
    expect(rows[1]?.[EXPORT_COLUMNS.indexOf('summary')]).toBe(`'=HYPERLINK("http://x","y")`);
    for (const risky of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx'])
      expect(neutralizeFormula(risky)).toBe(`'${risky}`);
    expect(neutralizeFormula('Paused: QA')).toBe('Paused: QA');
  });

  it('is chosen by formatExport, JSON Lines otherwise', () => {
    const records = chain({});
    expect(formatExport(records, 'e', 'csv')).toBe(formatCsv(records, 'e'));
    expect(formatExport(records, 'e', 'jsonl')).toBe(formatJsonLines(records, 'e'));
  });
});

describe('export names', () => {
  it('accepts only jsonl and csv', () => {
    expect(isExportFormat('jsonl')).toBe(true);
    expect(isExportFormat('csv')).toBe(true);
    expect(isExportFormat('xlsx')).toBe(false);
  });

  it('names the file after the chain, safely', () => {
    expect(exportFilename('acme-q3', 'csv')).toBe('acme-q3-decision-record.csv');
    expect(exportFilename('workspace', 'jsonl')).toBe('workspace-decision-record.jsonl');
    expect(exportFilename('../Evil Slug', 'csv')).toBe('..-evil-slug-decision-record.csv');
  });
});

describe('verify-log lines', () => {
  const ok: ChainReport = {
    teamId: 'T1',
    engagement: 'acme-q3',
    verification: { ok: true, count: 12 },
  };
  const one: ChainReport = {
    teamId: 'T1',
    engagement: 'workspace',
    verification: { ok: true, count: 1 },
  };
  const broken: ChainReport = {
    teamId: 'T2',
    engagement: 'beta',
    verification: {
      ok: false,
      brokenAtSeq: 3,
      problem: 'hash_mismatch',
      reason: 'Record 3 was altered.',
    },
  };

  it('says OK with the count, or BROKEN with the seq and the reason', () => {
    expect(chainReportLine(ok)).toBe('T1 acme-q3: OK 12 records');
    expect(chainReportLine(one)).toBe('T1 workspace: OK 1 record');
    expect(chainReportLine(broken)).toBe('T2 beta: BROKEN at seq 3: Record 3 was altered.');
  });

  it('sums up how many chains are broken', () => {
    expect(verifySummaryLine([ok, one])).toBe('All 2 chains verify.');
    expect(verifySummaryLine([ok, broken])).toMatch(/^1 of 2 chains is BROKEN: /);
    expect(verifySummaryLine([])).toBe('No decision records to verify.');
  });
});
