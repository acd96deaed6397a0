import { describe, expect, it } from 'vitest';
import { type ChainedRecord, chainNext } from '../../src/domain/decision-record.js';
import {
  anchorOf,
  checkAnchor,
  formatAnchorLine,
  parseAnchors,
} from '../../src/domain/decision-record-anchor.js';

const AT = new Date('2026-11-20T12:00:00.000Z');

function chain(length: number, summary = 'note'): ChainedRecord[] {
  const records: ChainedRecord[] = [];
  for (let i = 0; i < length; i += 1) {
    records.push(
      chainNext(records.at(-1) ?? null, {
        teamId: 'T1',
        engagementId: 'e-1',
        at: AT,
        actorId: 'U1',
        actorRole: 'operator',
        kind: 'test.note',
        subjectRef: null,
        summary: `${summary} ${i + 1}`,
        details: {},
      }),
    );
  }
  return records;
}

describe('decision-record anchors', () => {
  it('round-trips an anchor through its JSON Lines form', () => {
    const head = chain(3).at(-1)!;
    const anchor = anchorOf(head, 'acme-q3');
    const line = formatAnchorLine(anchor);
    expect(line.endsWith('\n')).toBe(true);
    expect(parseAnchors(line)).toEqual({ anchors: [anchor], problems: [] });
  });

  it('accepts a hand-copied anchor without engagement_id, and the workspace chain by label', () => {
    const hash = 'a'.repeat(64);
    const parsed = parseAnchors(
      `# comment\n\n{"team":"T1","engagement":"ACME-Q3","seq":2,"hash":"${hash}"}\r\n{"team":"T1","engagement":"workspace","seq":1,"hash":"${hash}"}`,
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.anchors).toEqual([
      { team: 'T1', engagement: 'acme-q3', seq: 2, hash },
      { team: 'T1', engagement: 'workspace', engagementId: null, seq: 1, hash },
    ]);
  });

  it('names every unusable line', () => {
    const hash = 'b'.repeat(64);
    const { anchors, problems } = parseAnchors(
      [
        'nope',
        '[1]',
        `{"engagement":"x","seq":1,"hash":"${hash}"}`,
        `{"team":"T1","seq":1,"hash":"${hash}"}`,
        `{"team":"T1","engagement":"x","seq":1.5,"hash":"${hash}"}`,
        '{"team":"T1","engagement":"x","seq":1,"hash":"ABC"}',
        `{"team":"T1","engagement":"x","seq":1,"hash":"${hash}","engagement_id":7}`,
      ].join('\n'),
    );
    expect(anchors).toEqual([]);
    expect(problems).toEqual([
      'line 1: not JSON',
      'line 2: not a JSON object',
      'line 3: "team" must be a workspace id',
      'line 4: "engagement" must be a slug or "workspace"',
      'line 5: "seq" must be a positive whole number',
      'line 6: "hash" must be 64 lowercase hex digits',
      'line 7: "engagement_id" must be an id or null',
    ]);
  });

  it('passes a chain that holds the anchored head, also after it grew', () => {
    const records = chain(5);
    const anchor = anchorOf(records[2]!, 'acme-q3');
    expect(checkAnchor(records.slice(0, 3), anchor)).toEqual({ ok: true, count: 3 });
    expect(checkAnchor(records, anchor)).toEqual({ ok: true, count: 5 });
  });

  it('breaks a truncated chain, a removed chain and a rewritten chain', () => {
    const records = chain(5);
    const anchor = anchorOf(records[4]!, 'acme-q3');
    expect(checkAnchor(records.slice(0, 3), anchor)).toMatchObject({
      ok: false,
      brokenAtSeq: 5,
      problem: 'anchor_missing',
      reason: expect.stringContaining('ends at record 3'),
    });
    expect(checkAnchor([], anchor)).toMatchObject({
      ok: false,
      problem: 'anchor_missing',
      reason: expect.stringContaining('has no records'),
    });
    const rewritten = chain(6, 'other');
    expect(checkAnchor(rewritten, anchor)).toMatchObject({
      ok: false,
      brokenAtSeq: 5,
      problem: 'anchor_mismatch',
      reason: `Record 5 no longer has its anchored hash ${anchor.hash.slice(0, 12)}…: the chain was rewritten.`,
    });
  });
});
