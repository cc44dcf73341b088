import type { OtlpLogsRequest, OtlpResourceLogs, OtlpScopeLogs } from '@driftwatch/contracts';
import { readLogRecord } from './decode-log-record.js';
import { decodeJsonExportRequest, readResourceGroup, readScopeGroup } from './export-request.js';

/**
 * Decodes an OTLP/HTTP JSON body (ExportLogsServiceRequest) by the same OTLP/JSON rules as
 * decodeTraceRequestJson: hex ids (non-hex passes through lowercased), severityNumber as an integer or a
 * SEVERITY_NUMBER_* name, 64-bit integers as numbers or decimal strings, camelCase or snake_case keys,
 * unknown keys ignored, null treated as absent. Throws OtlpDecodeError with the path of the first invalid
 * value.
 */
export function decodeLogsRequestJson(text: string): OtlpLogsRequest {
  return {
    resourceLogs: decodeJsonExportRequest(text, ['resourceLogs', 'resource_logs'], readResourceLogs),
  };
}

function readResourceLogs(item: unknown): OtlpResourceLogs {
  const { resource, scopeGroups } = readResourceGroup(item, ['scopeLogs', 'scope_logs'], readScopeLogs);
  return { resource, scopeLogs: scopeGroups };
}

function readScopeLogs(item: unknown): OtlpScopeLogs {
  const { scope, items } = readScopeGroup(item, ['logRecords', 'log_records'], readLogRecord);
  return { scope, logRecords: items };
}
