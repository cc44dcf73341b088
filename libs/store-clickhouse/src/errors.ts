import { PermanentError, RetryableError, UnavailableError } from '@driftwatch/contracts';

/**
 * ClickHouse error codes (src/Common/ErrorCodes.cpp) that mean the rows themselves are wrong: the same rows
 * will be refused again, so the writer isolates them and dead-letters them instead of retrying.
 */
const DATA_CODES = new Set([
  6, // CANNOT_PARSE_TEXT
  25, // CANNOT_PARSE_ESCAPE_SEQUENCE (e.g. a lone UTF-16 surrogate written as \ud800)
  26, // CANNOT_PARSE_QUOTED_STRING
  27, // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  38, // CANNOT_PARSE_DATE
  41, // CANNOT_PARSE_DATETIME
  53, // TYPE_MISMATCH
  69, // ARGUMENT_OUT_OF_BOUND
  70, // CANNOT_CONVERT_TYPE
  72, // CANNOT_PARSE_NUMBER
  117, // INCORRECT_DATA
  130, // CANNOT_READ_ARRAY_FROM_TEXT
  131, // TOO_LARGE_STRING_SIZE
  190, // SIZES_OF_ARRAYS_DOESNT_MATCH
  321, // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
  349, // CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
  376, // CANNOT_PARSE_UUID
  407, // DECIMAL_OVERFLOW
  467, // CANNOT_PARSE_BOOL
  469, // VIOLATED_CONSTRAINT
]);

/**
 * Codes that say the store cannot take any insert right now (down, overloaded, read-only, misconfigured
 * credentials or schema), whatever the rows: the writer waits and retries for as long as it takes.
 */
const UNAVAILABLE_CODES = new Set([
  60, // UNKNOWN_TABLE (schema not there: an operations problem, not the data's)
  81, // UNKNOWN_DATABASE
  159, // TIMEOUT_EXCEEDED
  164, // READONLY
  192, // UNKNOWN_USER
  193, // WRONG_PASSWORD
  194, // REQUIRED_PASSWORD
  195, // IP_ADDRESS_NOT_ALLOWED
  198, // DNS_ERROR
  201, // QUOTA_EXPIRED
  202, // TOO_MANY_SIMULTANEOUS_QUERIES
  203, // NO_FREE_CONNECTION
  209, // SOCKET_TIMEOUT
  210, // NETWORK_ERROR
  225, // NO_ZOOKEEPER
  236, // ABORTED
  242, // TABLE_IS_READ_ONLY
  243, // NOT_ENOUGH_SPACE
  244, // UNEXPECTED_ZOOKEEPER_ERROR
  254, // NO_ACTIVE_REPLICAS
  279, // ALL_CONNECTION_TRIES_FAILED
  285, // TOO_FEW_LIVE_REPLICAS
  286, // UNSATISFIED_QUORUM_FOR_PREVIOUS_WRITE
  291, // DATABASE_ACCESS_DENIED
  319, // UNKNOWN_STATUS_OF_INSERT
  364, // RECEIVED_ERROR_TOO_MANY_REQUESTS
  369, // ALL_REPLICAS_ARE_STALE
  394, // QUERY_WAS_CANCELLED
  415, // ALL_REPLICAS_LOST
  473, // DEADLOCK_AVOIDED
  497, // ACCESS_DENIED
  516, // AUTHENTICATION_FAILED
  519, // NO_REMOTE_SHARD_AVAILABLE
  999, // KEEPER_EXCEPTION
]);

/** 252 TOO_MANY_PARTS covers two different things; only the message tells them apart. */
const TOO_MANY_PARTS = 252;
/** Too many days in one insert (partitioned by day): a smaller batch is taken, so the writer splits it. */
const TOO_MANY_PARTITIONS = /partitions for single INSERT block/i;

/** Node socket errors: the store is not reachable at all. */
const NETWORK_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);
const NETWORK_MESSAGE = /socket hang up|timeout error|connect ECONNREFUSED|network|fetch failed/i;

function clickhouseCode(error: unknown, depth = 0): number | null {
  if (typeof error !== 'object' || error === null || depth > 4) return null;
  const e = error as { code?: unknown; clickhouseCode?: unknown; cause?: unknown; message?: unknown };
  for (const candidate of [e.clickhouseCode, e.code]) {
    const n = typeof candidate === 'string' && /^\d+$/.test(candidate) ? Number(candidate) : candidate;
    if (typeof n === 'number' && Number.isInteger(n)) return n;
  }
  // The in-process engine reports errors as text: "Code: 25. DB::Exception: ...".
  const fromText = typeof e.message === 'string' ? /\bCode: (\d+)\./.exec(e.message) : null;
  if (fromText) return Number(fromText[1]);
  return e.cause ? clickhouseCode(e.cause, depth + 1) : null;
}

function isNetworkError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  const e = error as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof e.code === 'string' && NETWORK_ERRORS.has(e.code)) return true;
  if (typeof e.message === 'string' && NETWORK_MESSAGE.test(e.message)) return true;
  return isNetworkError(e.cause, depth + 1);
}

/**
 * Wraps a driver error by what it means for the rows: PermanentError (these rows can never be stored),
 * UnavailableError (the store takes nothing now; retry the same rows later) or, when the error says neither,
 * RetryableError (retried a few times, then the writer narrows it down to the rows it fails on).
 */
export function classifyClickHouseError(error: unknown, what: string): Error {
  const detail = error instanceof Error ? error.message : String(error);
  const message = `${what}: ${detail}`;
  const code = clickhouseCode(error);
  if (code === TOO_MANY_PARTS) {
    return TOO_MANY_PARTITIONS.test(detail)
      ? new PermanentError(message, { cause: error })
      : new UnavailableError(message, { cause: error });
  }
  if (code !== null && DATA_CODES.has(code)) return new PermanentError(message, { cause: error });
  if (code !== null && UNAVAILABLE_CODES.has(code)) return new UnavailableError(message, { cause: error });
  if (code === null && isNetworkError(error)) return new UnavailableError(message, { cause: error });
  return new RetryableError(message, { cause: error });
}
