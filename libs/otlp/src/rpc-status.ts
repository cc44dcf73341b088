import protobuf from 'protobufjs/minimal.js';

/**
 * A google.rpc.Status as OTLP receivers send it: the body of an OTLP/HTTP error response (in the request's
 * encoding) and the grpc-status-details-bin trailer of an OTLP/gRPC one. `retryDelaySeconds` adds one
 * google.rpc.RetryInfo detail, which OTLP exporters honour before retrying a throttled export.
 */
export interface RpcStatus {
  /** A gRPC status code (google.rpc.Code). */
  code: number;
  message: string;
  retryDelaySeconds?: number;
}

export const RETRY_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.RetryInfo';

// google/rpc/status.proto:     Status { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3; }
// google/protobuf/any.proto:   Any { string type_url = 1; bytes value = 2; }
// google/rpc/error_details.proto: RetryInfo { google.protobuf.Duration retry_delay = 1; }
// google/protobuf/duration.proto:  Duration { int64 seconds = 1; int32 nanos = 2; }

export function encodeRpcStatusProtobuf(status: RpcStatus): Uint8Array {
  checkStatus(status);
  const writer = protobuf.Writer.create();
  if (status.code !== 0) writer.uint32((1 << 3) | 0).int32(status.code);
  if (status.message !== '') writer.uint32((2 << 3) | 2).string(status.message);
  if (status.retryDelaySeconds !== undefined) {
    writer
      .uint32((3 << 3) | 2)
      .fork()
      .uint32((1 << 3) | 2)
      .string(RETRY_INFO_TYPE_URL)
      .uint32((2 << 3) | 2)
      .bytes(encodeRetryInfo(status.retryDelaySeconds))
      .ldelim();
  }
  return writer.finish();
}

/** The protobuf JSON mapping: `{"code":8,"message":"…","details":[{"@type":"…RetryInfo","retryDelay":"1s"}]}`. */
export function encodeRpcStatusJson(status: RpcStatus): string {
  checkStatus(status);
  const json: { code: number; message: string; details?: unknown[] } = {
    code: status.code,
    message: status.message,
  };
  if (status.retryDelaySeconds !== undefined) {
    json.details = [{ '@type': RETRY_INFO_TYPE_URL, retryDelay: `${status.retryDelaySeconds}s` }];
  }
  return JSON.stringify(json);
}

function encodeRetryInfo(seconds: number): Uint8Array {
  const duration = protobuf.Writer.create();
  if (seconds !== 0) duration.uint32((1 << 3) | 0).int64(seconds);
  return protobuf.Writer.create()
    .uint32((1 << 3) | 2)
    .bytes(duration.finish())
    .finish();
}

function checkStatus(status: RpcStatus): void {
  if (!Number.isInteger(status.code) || status.code < 0 || status.code > 16) {
    throw new RangeError(`code must be a gRPC status code (0-16), got ${status.code}`);
  }
  const delay = status.retryDelaySeconds;
  if (delay !== undefined && (!Number.isSafeInteger(delay) || delay < 0)) {
    throw new RangeError(`retryDelaySeconds must be a non-negative whole number, got ${delay}`);
  }
}
