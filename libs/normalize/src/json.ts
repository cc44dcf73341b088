import type { AttributeValue } from '@driftwatch/contracts';
import { parseJson } from './well-formed.js';

/** An attribute that may hold JSON: absent, a usable value, or a string that is not valid JSON. */
export type Parsed =
  { kind: 'absent' } | { kind: 'value'; value: unknown } | { kind: 'malformed'; raw: string };

/** Structured values are used as they are; strings are parsed as JSON. Never throws. */
export function parseJsonAttr(value: AttributeValue | undefined): Parsed {
  if (value === undefined || value === null) return { kind: 'absent' };
  if (typeof value !== 'string') return { kind: 'value', value };
  if (value.trim() === '') return { kind: 'absent' };
  try {
    return { kind: 'value', value: parseJson(value) as unknown };
  } catch {
    return { kind: 'malformed', raw: value };
  }
}

/** Parses a string only when it looks like a JSON array or object; otherwise returns it unchanged. */
export function maybeJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (!(text.startsWith('[') || text.startsWith('{'))) return value;
  try {
    return parseJson(text) as unknown;
  } catch {
    return value;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function field(value: Record<string, unknown>, ...keys: string[]): string {
  for (const key of keys) {
    const v = value[key];
    if (typeof v === 'string' && v !== '') return v;
    if (typeof v === 'number') return String(v);
  }
  return '';
}
