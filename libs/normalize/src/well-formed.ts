/** String.prototype.isWellFormed/toWellFormed (ES2024); the workspace's TypeScript lib is ES2023. */
interface Es2024String {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/** The string with lone surrogates replaced by U+FFFD; copies only when it has one. */
export function wellFormed(text: string): string {
  const s = text as unknown as Es2024String;
  return s.isWellFormed() ? text : s.toWellFormed();
}

/** A "\uD800".."\uDFFF" escape: the only way JSON.parse of a well-formed text can yield a lone surrogate. */
const SURROGATE_ESCAPE = /\\u[dD][89abAB]/;

/**
 * JSON.parse for JSON held in attributes (messages, metadata, tags). The attribute itself is well formed (the
 * decoders see to it), but an escaped lone surrogate inside it ("\ud83d", text cut mid-emoji) comes back from
 * JSON.parse as one, and would reach a column ClickHouse refuses. Such values get U+FFFD throughout; the scan
 * for an escape keeps the common case a plain JSON.parse.
 */
export function parseJson(text: string): unknown {
  const value = JSON.parse(text) as unknown;
  return SURROGATE_ESCAPE.test(text) ? wellFormedDeep(value) : value;
}

function wellFormedDeep(value: unknown): unknown {
  if (typeof value === 'string') return wellFormed(value);
  if (Array.isArray(value)) return value.map(wellFormedDeep);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const safeKey = wellFormed(key);
    if (safeKey === '__proto__')
      Object.defineProperty(out, safeKey, {
        value: wellFormedDeep(item),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else out[safeKey] = wellFormedDeep(item);
  }
  return out;
}
