import { PermanentError, RetryableError, UnavailableError } from '@driftwatch/contracts';
import { describe, expect, it } from 'vitest';
import { classifyClickHouseError } from './errors.js';

/** Errors shaped as @clickhouse/client (code as a string) and as the in-process engine (code in the text). */
const serverError = (code: number, message: string) =>
  Object.assign(new Error(message), { code: String(code) });
const engineError = (code: number, message: string) => new Error(`Code: ${code}. DB::Exception: ${message}`);
const kind = (error: unknown) => classifyClickHouseError(error, 'insert of 10 spans failed').constructor;

describe('classifyClickHouseError', () => {
  it('says bad data is permanent: the rows are refused again whatever the store does', () => {
    expect(kind(engineError(25, 'Cannot parse escape sequence: \\uD800'))).toBe(PermanentError);
    expect(kind(serverError(27, 'Cannot parse input'))).toBe(PermanentError);
    expect(kind(serverError(321, 'Value out of range of DateTime64'))).toBe(PermanentError);
    expect(kind(serverError(131, 'too large string size'))).toBe(PermanentError);
    // Too many days in one insert: a smaller batch goes in, so the writer has to split it.
    expect(kind(serverError(252, 'Too many partitions for single INSERT block (more than 100).'))).toBe(
      PermanentError,
    );
  });

  it('says the store is unavailable when no insert can succeed now, whatever the rows', () => {
    expect(kind(serverError(252, 'Too many parts (3000). Merges are processing significantly slower'))).toBe(
      UnavailableError,
    );
    expect(kind(serverError(516, 'default: Authentication failed'))).toBe(UnavailableError);
    expect(kind(serverError(242, 'Table is in readonly mode'))).toBe(UnavailableError);
    expect(kind(engineError(243, 'Not enough space'))).toBe(UnavailableError);
    expect(
      kind(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' })),
    ).toBe(UnavailableError);
    expect(kind(new Error('Timeout error.'))).toBe(UnavailableError);
    expect(
      kind(new Error('wrapped', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) })),
    ).toBe(UnavailableError);
  });

  it('leaves anything else plainly retryable (the writer narrows it down after a few attempts)', () => {
    const classified = classifyClickHouseError(serverError(1002, 'unknown exception'), 'insert failed');
    expect(classified).toBeInstanceOf(RetryableError);
    expect(classified).not.toBeInstanceOf(UnavailableError);
    expect(classified.message).toBe('insert failed: unknown exception');
    expect(kind(new Error('something odd'))).toBe(RetryableError);
  });
});
