import { describe, expect, it } from 'vitest';
import { bearerKey } from './bearer.js';

describe('bearerKey', () => {
  it('takes the key of a bearer credential, scheme case-insensitive', () => {
    expect(bearerKey('Bearer dw_abc')).toBe('dw_abc');
    expect(bearerKey('bearer   dw_abc  ')).toBe('dw_abc');
  });

  it('gives nothing for other schemes, missing keys, extra words or non-strings', () => {
    for (const value of ['Basic dw_abc', 'Bearer', 'Bearer ', 'Bearer a b', 'dw_abc', '', undefined, 42]) {
      expect(bearerKey(value)).toBeUndefined();
    }
    expect(bearerKey(Buffer.from('Bearer dw_abc'))).toBeUndefined();
  });
});
