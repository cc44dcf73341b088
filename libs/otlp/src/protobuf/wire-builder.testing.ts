import type { OtlpLogRecord, OtlpSpan } from '@driftwatch/contracts';
import protobuf from 'protobufjs/minimal.js';
import { OtlpDecodeError } from '../errors.js';
import { decodeLogsRequestProtobuf } from './decode-logs-request.js';
import { decodeTraceRequestProtobuf } from './decode-trace-request.js';

/**
 * Test support: hand-built ExportTraceServiceRequest / ExportLogsServiceRequest bytes, field numbers as in
 * opentelemetry-proto.
 */
export type Writer = protobuf.Writer;
export type Build = (w: Writer) => void;
export const [VARINT, I64, LEN, START_GROUP, END_GROUP, I32] = [0, 1, 2, 3, 4, 5];

export function bytesOf(build: Build): Uint8Array {
  const w = protobuf.Writer.create();
  build(w);
  return w.finish();
}
export const tag = (w: Writer, field: number, wire: number) => w.uint32((field << 3) | wire);
export const sub = (w: Writer, field: number, build: Build) => {
  tag(w, field, LEN).fork();
  build(w);
  w.ldelim();
};
export const str = (w: Writer, field: number, value: string) => tag(w, field, LEN).string(value);
export const raw = (w: Writer, field: number, value: number[]) =>
  tag(w, field, LEN).bytes(new Uint8Array(value));
export const fixed64 = (w: Writer, field: number, value: string) => tag(w, field, I64).fixed64(value);
/** One of every wire type, under field numbers no OTLP message uses here. */
export const unknowns: Build = (w) => {
  tag(w, 90, VARINT).uint64('18446744073709551615');
  tag(w, 91, I64).fixed64(7);
  str(w, 92, 'future');
  tag(w, 93, I32).fixed32(7);
  tag(w, 94, START_GROUP);
  tag(w, 1, VARINT).uint32(1);
  str(w, 2, 'in group');
  tag(w, 94, END_GROUP);
};
export const keyValue = (w: Writer, field: number, key: string, value: Build) =>
  sub(w, field, (kv) => {
    str(kv, 1, key);
    unknowns(kv);
    sub(kv, 2, value);
  });
export const request = (span: Build): Uint8Array =>
  bytesOf((w) =>
    sub(w, 1, (rs) => {
      sub(rs, 2, (ss) => {
        sub(ss, 1, (scope) => str(scope, 1, 'scope'));
        sub(ss, 2, span);
      });
    }),
  );
export const firstSpan = (bytes: Uint8Array): OtlpSpan | undefined =>
  decodeTraceRequestProtobuf(bytes).resourceSpans[0]?.scopeSpans[0]?.spans[0];
/** ExportLogsServiceRequest with one resource_logs, one scope_logs and one log record built by `record`. */
export const logsRequest = (record: Build): Uint8Array =>
  bytesOf((w) =>
    sub(w, 1, (rl) => {
      sub(rl, 2, (sl) => {
        sub(sl, 1, (scope) => str(scope, 1, 'scope'));
        sub(sl, 2, record);
      });
    }),
  );
export const firstLogRecord = (bytes: Uint8Array): OtlpLogRecord | undefined =>
  decodeLogsRequestProtobuf(bytes).resourceLogs[0]?.scopeLogs[0]?.logRecords[0];
export const decodeError = (
  bytes: Uint8Array,
  decode: (bytes: Uint8Array) => unknown = decodeTraceRequestProtobuf,
): OtlpDecodeError => {
  try {
    decode(bytes);
  } catch (error) {
    if (error instanceof OtlpDecodeError) return error;
    throw error;
  }
  throw new Error('expected an OtlpDecodeError');
};
