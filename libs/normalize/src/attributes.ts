import type { AttributeValue, Attributes } from '@driftwatch/contracts';
import { parseJson } from './well-formed.js';

/** First non-empty string among the keys; numbers and booleans are turned into strings. */
export function str(attrs: Attributes, ...keys: string[]): string {
  for (const key of keys) {
    const value = attrs[key];
    if (typeof value === 'string' && value.trim() !== '') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  }
  return '';
}

/** First finite number among the keys; numeric strings (int64 in OTLP/JSON) are accepted. */
export function num(attrs: Attributes, ...keys: string[]): number | null {
  for (const key of keys) {
    const value = toNumber(attrs[key]);
    if (value !== null) return value;
  }
  return null;
}

export function toNumber(value: AttributeValue | undefined): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value.trim());
  return null;
}

/** A list of strings from an array attribute, a JSON array string, or a comma-separated string. */
export function strList(value: unknown): string[] {
  if (Array.isArray(value)) {
    return value.filter((v) => typeof v === 'string' || typeof v === 'number').map((v) => String(v));
  }
  if (typeof value !== 'string' || value.trim() === '') return [];
  const text = value.trim();
  if (text.startsWith('[')) {
    try {
      return strList(parseJson(text) as unknown);
    } catch {
      // not JSON: fall through to the comma-separated form
    }
  }
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function hasKeyWithPrefix(attrs: Attributes, prefix: string): boolean {
  return Object.keys(attrs).some((key) => key.startsWith(prefix));
}

/** The attributes under `prefix.` with the prefix removed. */
export function under(attrs: Attributes, prefix: string): Attributes {
  const out: Attributes = {};
  const start = `${prefix}.`;
  for (const [key, value] of Object.entries(attrs)) {
    if (key.startsWith(start)) out[key.slice(start.length)] = value;
  }
  return out;
}

/**
 * Flattened lists such as `llm.input_messages.0.message.role`: returns the entries under `prefix.N.`, in index
 * order, each with its keys relative to the index.
 */
export function indexed(attrs: Attributes, prefix: string): Attributes[] {
  const start = `${prefix}.`;
  const byIndex = new Map<number, Attributes>();
  for (const [key, value] of Object.entries(attrs)) {
    if (!key.startsWith(start)) continue;
    const rest = key.slice(start.length);
    const match = /^(\d+)(?:\.(.*))?$/.exec(rest);
    if (!match) continue;
    const index = Number(match[1]);
    const entry = byIndex.get(index) ?? {};
    entry[match[2] ?? ''] = value;
    byIndex.set(index, entry);
  }
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, entry]) => entry);
}

/** Any value as a string: strings unchanged, everything else as JSON. */
export function asString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return String(value);
  }
}
