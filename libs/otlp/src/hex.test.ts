import { describe, expect, it } from 'vitest';
import { bytesToHex, bytesToHexJs } from './hex.js';

describe('bytesToHex', () => {
  const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
  const expected = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

  it.each([
    ['native or fallback', bytesToHex],
    ['JS fallback', bytesToHexJs],
  ])('%s: lowercase hex of a byte range', (_, toHex) => {
    expect(toHex(bytes, 0, 256)).toBe(expected);
    expect(toHex(bytes, 250, 253)).toBe('fafbfc');
    expect(toHex(bytes, 7, 7)).toBe('');
  });
});
