import { llmCall, spanRecord } from '@driftwatch/contract-tests';
import { describe, expect, it } from 'vitest';
import { decodeSpan, encodeSpan } from './payload-schema.js';

describe('span payload', () => {
  it('round-trips a span, LLM fields and nested attributes included', () => {
    const record = spanRecord({
      llm: llmCall({ costUsd: null }),
      attributes: { 'a.b': [1, 'x', { deep: true }], none: null },
    });
    expect(decodeSpan(encodeSpan(record))).toEqual({ ok: true, record });
  });

  it('drops fields it does not know (a newer producer) instead of refusing the message', () => {
    const record = spanRecord();
    const newer = Buffer.from(JSON.stringify({ ...record, addedLater: 'x' }));
    expect(decodeSpan(newer)).toEqual({ ok: true, record });
  });

  it('says why a message cannot be decoded, without throwing', () => {
    expect(decodeSpan(Buffer.from('{nope'))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^invalid JSON/),
    });
    expect(decodeSpan(undefined)).toEqual({ ok: false, reason: 'empty message value' });
    const { traceId: _drop, ...withoutTrace } = spanRecord();
    expect(decodeSpan(Buffer.from(JSON.stringify(withoutTrace)))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('traceId'),
    });
  });
});
