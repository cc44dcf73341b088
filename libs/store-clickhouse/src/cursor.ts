/** Keyset cursor: the sort value and trace id of the last item of a page, opaque to clients. */
export interface TraceCursor {
  /** Decimal text: nanosecond sort values do not fit a JS number. */
  value: string;
  traceId: string;
}

export function encodeCursor(cursor: TraceCursor): string {
  return Buffer.from(JSON.stringify([cursor.value, cursor.traceId])).toString('base64url');
}

export function decodeCursor(text: string): TraceCursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(parsed[0]) &&
      typeof parsed[1] === 'string' &&
      /^[0-9a-f]{1,64}$/.test(parsed[1])
    ) {
      return { value: parsed[0], traceId: parsed[1] };
    }
  } catch {
    // fall through to the error below
  }
  throw new InvalidCursorError();
}

export class InvalidCursorError extends Error {
  constructor() {
    super('cursor is not one this API returned');
  }
}
