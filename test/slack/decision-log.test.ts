import { describe, expect, it } from 'vitest';
import { type ChainedRecord, chainNext } from '../../src/domain/decision-record.js';
import { checkMessage } from '../../src/sandbox/block-kit-limits.js';
import { decisionLogMessage, LOG_LATEST } from '../../src/slack/blocks/decision-log.js';
import { parseExportArgs, parseLogArgs } from '../../src/slack/inputs/decision-log.js';

const AT = new Date('2026-11-20T12:34:56Z');

function records(n: number, summary = (i: number) => `Note ${i}`): ChainedRecord[] {
  const out: ChainedRecord[] = [];
  for (let i = 1; i <= n; i++) {
    out.push(
      chainNext(out.at(-1) ?? null, {
        teamId: 'T1',
        engagementId: 'e1',
        at: AT,
        actorId: i === 1 ? 'system' : 'U0EXEC',
        actorRole: i === 1 ? 'system' : 'executive',
        kind: 'engagement.note',
        subjectRef: null,
        summary: summary(i),
        details: {},
      }),
    );
  }
  return out;
}

const texts = (blocks: unknown[]) =>
  blocks.map((b) => (b as { text?: { text: string } }).text?.text ?? JSON.stringify(b));

describe('the /amos log message', () => {
  it('stays within Slack limits with the most records and the longest summaries', () => {
    const message = decisionLogMessage({
      engagement: 'acme-q3',
      total: 400,
      records: records(LOG_LATEST, () => 'x'.repeat(10_000)),
    });
    expect(checkMessage(message)).toEqual([]);
    expect(message.blocks).toHaveLength(LOG_LATEST + 2);
    expect(texts(message.blocks)[2]?.length).toBeLessThan(1000);
    expect(texts(message.blocks)[2]?.endsWith('…')).toBe(true);
  });

  it('names the scheduler as AMOS rather than mentioning a user', () => {
    const message = decisionLogMessage({ engagement: 'acme-q3', total: 2, records: records(2) });
    const [first, second] = texts(message.blocks).slice(2);
    expect(first).toContain('AMOS _system_');
    expect(second).toContain('<@U0EXEC> _executive_');
    expect(message.text).toBe('Decision record: ACME-Q3. All 2 records, most recent last.');
  });

  it('says so when nothing is recorded yet', () => {
    const message = decisionLogMessage({ engagement: 'workspace', total: 0, records: [] });
    expect(message.text).toBe(
      'No workspace decisions (role grants, partner organisations, fit verdicts) are recorded yet.',
    );
    expect(checkMessage(message)).toEqual([]);
  });

  it('shows each time as a Slack date token', () => {
    const message = decisionLogMessage({ engagement: 'acme-q3', total: 1, records: records(1) });
    expect(texts(message.blocks)[2]).toContain(
      `<!date^${AT.getTime() / 1000}^{date_short_pretty} at {time}|2026-11-20 12:34 UTC>`,
    );
  });
});

describe('log and export arguments', () => {
  it('takes an optional slug for log', () => {
    expect(parseLogArgs('')).toEqual({});
    expect(parseLogArgs(' ACME-Q3 ')).toEqual({ slug: 'acme-q3' });
    expect(() => parseLogArgs('acme-q3 extra')).toThrow('takes one engagement slug');
    expect(() => parseLogArgs('<#C1|x>')).toThrow('is not an engagement slug');
  });

  it('takes a slug and a format in any order for export, jsonl by default', () => {
    expect(parseExportArgs('')).toEqual({ format: 'jsonl' });
    expect(parseExportArgs('CSV')).toEqual({ format: 'csv' });
    expect(parseExportArgs('acme-q3 csv')).toEqual({ slug: 'acme-q3', format: 'csv' });
    expect(parseExportArgs('jsonl workspace')).toEqual({ slug: 'workspace', format: 'jsonl' });
    expect(() => parseExportArgs('acme-q3 xlsx')).toThrow("I don't know what `xlsx` means here");
  });
});
