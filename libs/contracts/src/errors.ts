/**
 * Whether a retry can help is a property of the error, not of the caller.
 * Retryable: the same call may succeed later (saturation, a dependency down).
 * Permanent: the input itself is wrong; it goes to a dead-letter place with its reason.
 */
export abstract class DriftwatchError extends Error {
  abstract readonly retryable: boolean;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class RetryableError extends DriftwatchError {
  readonly retryable = true;
}

export class PermanentError extends DriftwatchError {
  readonly retryable = false;
}

/** The pipeline is full; callers should push back (HTTP 429/503 with Retry-After). */
export class SaturatedError extends RetryableError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** The component is shutting down or not started; new work is refused. */
export class UnavailableError extends RetryableError {}

export function isRetryable(error: unknown): boolean {
  if (error instanceof DriftwatchError) return error.retryable;
  // Unknown failures (network resets, driver errors) are assumed transient: losing data is worse.
  return true;
}
