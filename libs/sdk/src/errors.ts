/** Base class of every error this SDK throws or reports, so callers can tell them apart with one instanceof. */
export class DriftwatchError extends Error {
  override name = 'DriftwatchError';
}

/** A feedback item that the server would refuse: `field` names the offending field (as the server's 400 does). */
export class FeedbackValidationError extends DriftwatchError {
  override name = 'FeedbackValidationError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`feedback.${field}: ${message}`);
  }
}

/**
 * The feedback buffer is full (too many items or bytes waiting, e.g. while Driftwatch is unreachable). The item was
 * not accepted: nothing older is dropped to make room, so the caller decides (retry later, tell the user, drop it).
 */
export class FeedbackQueueFullError extends DriftwatchError {
  override name = 'FeedbackQueueFullError';
}

/** Feedback items that were accepted into the buffer but could not be delivered (refused, or retries gave up). */
export class FeedbackDeliveryError extends DriftwatchError {
  override name = 'FeedbackDeliveryError';
  constructor(
    message: string,
    /** The idempotency keys of the undelivered items: sending them again later is stored once. */
    readonly idempotencyKeys: string[],
    /** HTTP status of the last answer, when there was one. */
    readonly status?: number,
  ) {
    super(message);
  }
}
