import { describe, expect, it } from 'vitest';
import { DomainRefusal, isDomainRefusal, ok, refuse, unwrap } from '../../src/domain/errors.js';

describe('results and refusals', () => {
  it('unwrap returns the value or throws the refusal', () => {
    expect(unwrap(ok(42))).toBe(42);
    const failure = refuse('not_found', 'No engagement called acme-q9.', ['a']);
    expect(() => unwrap(failure)).toThrow(DomainRefusal);
    try {
      unwrap(failure);
    } catch (error) {
      expect(isDomainRefusal(error) && error.refusal).toEqual({
        code: 'not_found',
        message: 'No engagement called acme-q9.',
        details: ['a'],
      });
    }
  });

  it('omits empty details and field errors', () => {
    expect(refuse('conflict', 'Try again.', [], {}).refusal).toEqual({
      code: 'conflict',
      message: 'Try again.',
    });
    expect(isDomainRefusal(new Error('x'))).toBe(false);
  });
});
