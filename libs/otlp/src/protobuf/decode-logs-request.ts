import type { OtlpLogsRequest, OtlpResourceLogs, OtlpScopeLogs } from '@driftwatch/contracts';
import { readLogRecord } from './decode-log-record.js';
import { decodeExportRequest, readResourceGroup, readScopeGroup } from './export-request.js';
import type { Reader } from './wire.js';

// opentelemetry/proto/collector/logs/v1/logs_service.proto, logs/v1/logs.proto
// (the envelope shared with traces is read in export-request.ts):
//   ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }
//   ResourceLogs             { Resource resource = 1; repeated ScopeLogs scope_logs = 2;
//                              string schema_url = 3; }
//   ScopeLogs                { InstrumentationScope scope = 1; repeated LogRecord log_records = 2;
//                              string schema_url = 3; }
const RESOURCE_LOGS_NAMES = ['', 'resource', 'scope_logs', 'schema_url'];
const SCOPE_LOGS_NAMES = ['', 'scope', 'log_records', 'schema_url'];

/**
 * Decodes an OTLP/HTTP protobuf body (ExportLogsServiceRequest), as strictly as the trace decoder: unknown
 * fields are skipped by wire type, ids of any length come back as hex (possibly empty), invalid UTF-8 gets
 * U+FFFD, and malformed bytes throw OtlpDecodeError with the path of the bad field.
 */
export function decodeLogsRequestProtobuf(bytes: Uint8Array): OtlpLogsRequest {
  return { resourceLogs: decodeExportRequest(bytes, 'resource_logs', readResourceLogs) };
}

function readResourceLogs(reader: Reader): OtlpResourceLogs {
  const { resource, scopeGroups } = readResourceGroup(reader, RESOURCE_LOGS_NAMES, readScopeLogs);
  return { resource, scopeLogs: scopeGroups };
}

function readScopeLogs(reader: Reader): OtlpScopeLogs {
  const { scope, items } = readScopeGroup(reader, SCOPE_LOGS_NAMES, readLogRecord);
  return { scope, logRecords: items };
}
