import { describe, expect, it } from 'vitest';
import { hasBidiControls, stripBidiControls } from './bidi';

describe('stripBidiControls', () => {
  it('removes overrides, embeddings, isolates and marks, keeping the text', () => {
    expect(stripBidiControls('\u202Eexe.live')).toBe('exe.live');
    expect(stripBidiControls('a\u2066b\u2069c\u200Fd\u202Ae\u061C')).toBe('abcde');
    expect(hasBidiControls('user-\u202E1')).toBe(true);
    expect(hasBidiControls('שלום user')).toBe(false);
  });
  it('leaves right-to-left letters alone', () => {
    expect(stripBidiControls('مرحبا')).toBe('مرحبا');
  });
});
