import { PermanentError, RetryableError } from '@driftwatch/contracts';

/** ClickHouse error codes that mean the data itself is wrong: retrying the same rows cannot help. */
const PERMANENT_CODES = new Set([
  6, // CANNOT_PARSE_TEXT
  26, // CANNOT_PARSE_QUOTED_STRING
  27, // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  38, // CANNOT_PARSE_DATE
  41, // CANNOT_PARSE_DATETIME
  53, // TYPE_MISMATCH
  69, // ARGUMENT_OUT_OF_BOUND
  70, // CANNOT_CONVERT_TYPE
  72, // CANNOT_PARSE_NUMBER
  117, // INCORRECT_DATA
  131, // TOO_LARGE_STRING_SIZE
  321, // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
]);

function clickhouseCode(error: unknown): number | null {
  if (typeof error !== 'object' || error === null) return null;
  const e = error as { code?: unknown; clickhouseCode?: unknown; cause?: unknown };
  for (const candidate of [e.clickhouseCode, e.code]) {
    const n = typeof candidate === 'string' ? Number(candidate) : candidate;
    if (typeof n === 'number' && Number.isInteger(n)) return n;
  }
  return e.cause ? clickhouseCode(e.cause) : null;
}

/** Wraps a driver error into RetryableError or PermanentError (unknown failures count as retryable). */
export function classifyClickHouseError(error: unknown, what: string): Error {
  const message = `${what}: ${error instanceof Error ? error.message : String(error)}`;
  const code = clickhouseCode(error);
  if (code !== null && PERMANENT_CODES.has(code)) return new PermanentError(message, { cause: error });
  return new RetryableError(message, { cause: error });
}
