import { describe, expect, it } from 'vitest';
import { formatRef, normalizeRef, parseRef, REF_KINDS } from '../../src/domain/refs.js';

describe('refs', () => {
  it('formats kind and number', () => {
    expect(formatRef('SC', 3)).toBe('SC-3');
    expect(() => formatRef('SC', 0)).toThrow(RangeError);
    expect(() => formatRef('SC', 1.5)).toThrow(RangeError);
  });

  it.each(['SC-3', 'sc-3', 'SC3', 'sc3', ' Sc-3 ', 'SC 3', 'SC-03'])(
    'parses %j as SC-3',
    (text) => {
      expect(parseRef(text)).toEqual({ kind: 'SC', n: 3 });
    },
  );

  it.each(['', 'SC', 'SC-', 'SC-0', 'SC--3', 'SC-3a', 'XX-1', 'S-1', 'SCX-1', '3', 'SC-1.5'])(
    'rejects %j',
    (text) => {
      expect(parseRef(text)).toBeNull();
    },
  );

  it('round-trips every kind', () => {
    for (const kind of REF_KINDS) {
      expect(parseRef(formatRef(kind, 12))).toEqual({ kind, n: 12 });
      expect(normalizeRef(`${kind.toLowerCase()}12`)).toBe(`${kind}-12`);
    }
  });
});
