import { describe, expect, it } from 'vitest';
import { canonicalFinishReason } from './finish-reason.js';

describe('canonicalFinishReason', () => {
  it.each([
    ['tool_calls', 'tool_call'],
    ['tool-calls', 'tool_call'],
    ['tool_call', 'tool_call'],
    ['tool_use', 'tool_call'],
    ['end_turn', 'stop'],
    ['STOP', 'stop'],
    ['FINISH_REASON_MAX_TOKENS', 'length'],
    ['max_tokens', 'length'],
    ['SAFETY', 'content_filter'],
    ['content-filter', 'content_filter'],
    ['something_new', 'something_new'],
  ])('%s -> %s', (raw, canonical) => {
    expect(canonicalFinishReason(raw)).toBe(canonical);
  });
});
