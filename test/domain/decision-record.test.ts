import { describe, expect, it } from 'vitest';
import {
  type ChainedRecord,
  canonicalJson,
  chainNext,
  GENESIS_HASH,
  hashRecord,
  type RecordInput,
  verifyChain,
} from '../../src/domain/decision-record.js';
import { NOW } from './fixtures.js';

const base: Omit<RecordInput, 'seq'> = {
  teamId: 'T1',
  engagementId: 'eng-1',
  at: NOW,
  actorId: 'U_EXEC1',
  actorRole: 'executive',
  kind: 'engagement.paused',
  subjectRef: null,
  summary: 'Paused: QA breach',
  details: { reason: 'QA breach', refs: ['SC-2'], at: NOW },
};

function chainOf(n: number): ChainedRecord[] {
  const records: ChainedRecord[] = [];
  for (let i = 0; i < n; i++) {
    records.push(chainNext(records.at(-1) ?? null, { ...base, summary: `Record ${i + 1}` }));
  }
  return records;
}

describe('canonicalJson', () => {
  it('sorts keys at every depth, writes dates as ISO and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: NOW }], c: undefined } })).toBe(
      '{"a":{"d":[2,{"y":"2025-03-14T10:00:00.000Z","z":1}]},"b":1}',
    );
  });
});

describe('hashRecord', () => {
  it('is stable across key order and a JSON round trip of details', () => {
    const reordered = {
      ...base,
      seq: 1,
      details: { at: NOW.toISOString(), refs: ['SC-2'], reason: 'QA breach' },
    };
    expect(hashRecord(null, { ...base, seq: 1 })).toBe(hashRecord(GENESIS_HASH, reordered));
  });

  it('is a SHA-256 over the agreed fields (golden value: stored hashes depend on it)', () => {
    expect(hashRecord(null, { ...base, seq: 1 })).toBe(
      '00715b5121b032b7547ee8d3f071df89074f9983322cadd16a9683b06bf9a409',
    );
  });

  it('changes with the previous hash and with any field', () => {
    const h = hashRecord(null, { ...base, seq: 1 });
    expect(hashRecord('a'.repeat(64), { ...base, seq: 1 })).not.toBe(h);
    expect(hashRecord(null, { ...base, seq: 1, engagementId: null })).not.toBe(h);
    expect(hashRecord(null, { ...base, seq: 1, details: { reason: 'QA breach!' } })).not.toBe(h);
  });
});

describe('verifyChain', () => {
  it('accepts an intact chain, and an empty one', () => {
    const chain = chainOf(3);
    expect(chain.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(chain[0]?.prevHash).toBe(GENESIS_HASH);
    expect(verifyChain(chain)).toEqual({ ok: true, count: 3 });
    expect(verifyChain([])).toEqual({ ok: true, count: 0 });
  });

  it('detects an altered field', () => {
    const chain = chainOf(3);
    chain[1] = { ...chain[1]!, summary: 'Approved, honest' };
    expect(verifyChain(chain)).toMatchObject({
      ok: false,
      brokenAtSeq: 2,
      problem: 'hash_mismatch',
    });
  });

  it('detects altered nested details', () => {
    const chain = chainOf(2);
    chain[0] = { ...chain[0]!, details: { reason: 'QA breach', refs: ['SC-3'], at: NOW } };
    expect(verifyChain(chain)).toMatchObject({
      ok: false,
      brokenAtSeq: 1,
      problem: 'hash_mismatch',
    });
  });

  it('detects a rewritten record through the broken link after it', () => {
    const chain = chainOf(3);
    const forged: RecordInput = { ...chain[1]!, summary: 'Forged' };
    chain[1] = { ...forged, prevHash: chain[0]!.hash, hash: hashRecord(chain[0]!.hash, forged) };
    expect(verifyChain(chain)).toMatchObject({ ok: false, brokenAtSeq: 3, problem: 'prev_link' });
  });

  it('detects a gap in seq', () => {
    const chain = chainOf(3);
    expect(verifyChain([chain[0]!, chain[2]!])).toMatchObject({
      ok: false,
      brokenAtSeq: 3,
      problem: 'seq_gap',
    });
    expect(verifyChain(chain.slice(1))).toMatchObject({
      ok: false,
      brokenAtSeq: 2,
      problem: 'seq_gap',
    });
  });

  it('detects a record of another chain', () => {
    const chain = chainOf(2);
    const stray = chainNext(chain[0]!, { ...base, engagementId: 'eng-2' });
    expect(verifyChain([chain[0]!, stray])).toMatchObject({
      ok: false,
      brokenAtSeq: 2,
      problem: 'mixed_chain',
    });
  });
});
