import protobuf from 'protobufjs/minimal.js';

/** What an OTLP/HTTP trace endpoint reports back: spans it rejected and why (both zero/empty on full success). */
export interface TraceExportResult {
  rejectedSpans: number;
  errorMessage: string;
}

// opentelemetry/proto/collector/trace/v1/trace_service.proto
//   ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
//   ExportTracePartialSuccess  { int64 rejected_spans = 1; string error_message = 2; }

/**
 * ExportTraceServiceResponse as protobuf. Full success is the empty message (no partial_success), as the
 * OTLP spec asks; zero/empty members of partial_success are omitted, as proto3 does.
 */
export function encodeTraceResponseProtobuf(result: TraceExportResult): Uint8Array {
  checkRejectedSpans(result.rejectedSpans);
  if (isFullSuccess(result)) return new Uint8Array(0);
  const writer = protobuf.Writer.create().uint32(10).fork();
  if (result.rejectedSpans !== 0) writer.uint32(8).int64(result.rejectedSpans);
  if (result.errorMessage !== '') writer.uint32(18).string(result.errorMessage);
  return writer.ldelim().finish();
}

/**
 * ExportTraceServiceResponse as OTLP/JSON: `{}` on full success, otherwise
 * `{"partialSuccess":{"rejectedSpans":"2","errorMessage":"..."}}` (int64 as a decimal string, zero/empty
 * members omitted, per the protobuf JSON mapping).
 */
export function encodeTraceResponseJson(result: TraceExportResult): string {
  checkRejectedSpans(result.rejectedSpans);
  if (isFullSuccess(result)) return '{}';
  const partialSuccess: { rejectedSpans?: string; errorMessage?: string } = {};
  if (result.rejectedSpans !== 0) partialSuccess.rejectedSpans = String(result.rejectedSpans);
  if (result.errorMessage !== '') partialSuccess.errorMessage = result.errorMessage;
  return JSON.stringify({ partialSuccess });
}

function isFullSuccess(result: TraceExportResult): boolean {
  return result.rejectedSpans === 0 && result.errorMessage === '';
}

function checkRejectedSpans(rejectedSpans: number): void {
  if (!Number.isSafeInteger(rejectedSpans) || rejectedSpans < 0) {
    throw new RangeError(`rejectedSpans must be a non-negative safe integer, got ${rejectedSpans}`);
  }
}
