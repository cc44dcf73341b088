import { PermanentError } from '@driftwatch/contracts';

/**
 * The request body is not a valid OTLP request (trace or logs). Permanent: resending the same bytes
 * cannot help, so receivers answer 400 and do not retry. `path` locates the problem (protobuf field names for
 * protobuf, OTLP/JSON keys for JSON), `reason` says what was wrong there.
 */
export class OtlpDecodeError extends PermanentError {
  readonly path: string;
  readonly reason: string;

  constructor(reason: string, path = '', options?: { cause?: unknown }) {
    super(path === '' ? reason : `${path}: ${reason}`, options);
    this.path = path;
    this.reason = reason;
  }
}

/**
 * Rethrow helper for decoders: prefixes the location of an error raised deeper in the message with the
 * segment of the enclosing field (`spans[3]`, `startTimeUnixNano`). Errors that are not decode errors
 * (internal control flow, bugs) pass through unchanged. Only runs on the failure path.
 */
export function atPath(error: unknown, segment: string): unknown {
  if (!(error instanceof OtlpDecodeError) || segment === '') return error;
  const path =
    error.path === ''
      ? segment
      : error.path.startsWith('[')
        ? segment + error.path
        : `${segment}.${error.path}`;
  return new OtlpDecodeError(error.reason, path, { cause: error.cause });
}
