import protobuf from 'protobufjs/minimal.js';

/** What an OTLP/HTTP trace endpoint reports back: spans it rejected and why (both zero/empty on full success). */
export interface TraceExportResult {
  rejectedSpans: number;
  errorMessage: string;
}

/** What an OTLP/HTTP logs endpoint reports back: records it rejected and why (zero/empty on full success). */
export interface LogsExportResult {
  rejectedLogRecords: number;
  errorMessage: string;
}

// opentelemetry/proto/collector/{trace,logs}/v1/{trace,logs}_service.proto
//   ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
//   ExportTracePartialSuccess  { int64 rejected_spans = 1; string error_message = 2; }
//   ExportLogsServiceResponse  { ExportLogsPartialSuccess partial_success = 1; }
//   ExportLogsPartialSuccess   { int64 rejected_log_records = 1; string error_message = 2; }
// Both signals share the layout; only the JSON name of field 1 differs.

/**
 * ExportTraceServiceResponse as protobuf. Full success is the empty message (no partial_success), as the
 * OTLP spec asks; zero/empty members of partial_success are omitted, as proto3 does.
 */
export function encodeTraceResponseProtobuf(result: TraceExportResult): Uint8Array {
  return encodePartialSuccessProtobuf('rejectedSpans', result.rejectedSpans, result.errorMessage);
}

/**
 * ExportTraceServiceResponse as OTLP/JSON: `{}` on full success, otherwise
 * `{"partialSuccess":{"rejectedSpans":"2","errorMessage":"..."}}` (int64 as a decimal string, zero/empty
 * members omitted, per the protobuf JSON mapping).
 */
export function encodeTraceResponseJson(result: TraceExportResult): string {
  return encodePartialSuccessJson('rejectedSpans', result.rejectedSpans, result.errorMessage);
}

/** ExportLogsServiceResponse as protobuf, by the same rules as encodeTraceResponseProtobuf. */
export function encodeLogsResponseProtobuf(result: LogsExportResult): Uint8Array {
  return encodePartialSuccessProtobuf('rejectedLogRecords', result.rejectedLogRecords, result.errorMessage);
}

/** ExportLogsServiceResponse as OTLP/JSON: `{}`, or `{"partialSuccess":{"rejectedLogRecords":"2",...}}`. */
export function encodeLogsResponseJson(result: LogsExportResult): string {
  return encodePartialSuccessJson('rejectedLogRecords', result.rejectedLogRecords, result.errorMessage);
}

function encodePartialSuccessProtobuf(countName: string, rejected: number, errorMessage: string): Uint8Array {
  checkRejected(countName, rejected);
  if (rejected === 0 && errorMessage === '') return new Uint8Array(0);
  const writer = protobuf.Writer.create().uint32(10).fork();
  if (rejected !== 0) writer.uint32(8).int64(rejected);
  if (errorMessage !== '') writer.uint32(18).string(errorMessage);
  return writer.ldelim().finish();
}

function encodePartialSuccessJson(countName: string, rejected: number, errorMessage: string): string {
  checkRejected(countName, rejected);
  if (rejected === 0 && errorMessage === '') return '{}';
  const partialSuccess: Record<string, string> = {};
  if (rejected !== 0) partialSuccess[countName] = String(rejected);
  if (errorMessage !== '') partialSuccess['errorMessage'] = errorMessage;
  return JSON.stringify({ partialSuccess });
}

function checkRejected(countName: string, rejected: number): void {
  if (!Number.isSafeInteger(rejected) || rejected < 0) {
    throw new RangeError(`${countName} must be a non-negative safe integer, got ${rejected}`);
  }
}
