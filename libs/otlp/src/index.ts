/**
 * OTLP/HTTP trace and logs wire codec: request bodies (protobuf or OTLP/JSON) to OtlpTraceRequest /
 * OtlpLogsRequest, and Export{Trace,Logs}ServiceResponse bodies back. Decoding is strict about structure
 * (OtlpDecodeError, permanent, with the path of the bad field) and lenient about content the normalizer
 * judges per span or log record (ids of any length or alphabet pass through as lowercase hex / lowercased
 * text).
 *
 * Values: int64 attribute values are numbers when Number.isSafeInteger holds, otherwise exact decimal
 * strings; timestamps are exact bigint nanoseconds; bytes are standard base64; kvlist values are objects.
 */
export { OtlpDecodeError } from './errors.js';
export { decodeTraceRequestProtobuf } from './protobuf/decode-trace-request.js';
export { decodeTraceRequestJson } from './json/decode-trace-request.js';
export { decodeLogsRequestProtobuf } from './protobuf/decode-logs-request.js';
export { decodeLogsRequestJson } from './json/decode-logs-request.js';
export {
  encodeLogsResponseJson,
  encodeLogsResponseProtobuf,
  encodeTraceResponseJson,
  encodeTraceResponseProtobuf,
} from './response.js';
export type { LogsExportResult, TraceExportResult } from './response.js';
export { encodeRpcStatusJson, encodeRpcStatusProtobuf, RETRY_INFO_TYPE_URL } from './rpc-status.js';
export type { RpcStatus } from './rpc-status.js';
