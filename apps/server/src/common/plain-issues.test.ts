import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { plainIssue } from './plain-issues.js';

function first(schema: z.ZodType, value: unknown): string {
  const result = schema.safeParse(value);
  if (result.success) throw new Error('expected a failure');
  return plainIssue(result.error.issues[0]!);
}

describe('plainIssue', () => {
  it('says what is allowed instead of the validator diagnosis', () => {
    expect(first(z.enum(['ok', 'error']), 'bad')).toBe('must be one of ok, error');
    expect(first(z.number().int().min(1), 0)).toBe('must be at least 1');
    expect(first(z.number().max(500), 501)).toBe('must be at most 500');
    expect(first(z.string().min(3), 'ab')).toBe('must be at least 3 characters');
    expect(first(z.string().max(2), 'abc')).toBe('must be at most 2 characters');
    expect(first(z.email(), 'nope')).toBe('must be an email address like name@example.com');
    expect(first(z.object({ a: z.string() }), {})).toBe('is required');
    expect(first(z.object({ a: z.number() }), { a: 'x' })).toBe('must be a number');
    expect(first(z.object({}).strict(), { color: 'red' })).toBe('is not a known field: color');
  });
  it('keeps a message the schema wrote itself', () => {
    expect(first(z.string().regex(/^x$/, 'a trace id is 32 hexadecimal characters'), 'y')).toBe(
      'a trace id is 32 hexadecimal characters',
    );
  });
});
