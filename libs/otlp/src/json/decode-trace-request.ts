import type { OtlpResourceSpans, OtlpScopeSpans, OtlpTraceRequest } from '@driftwatch/contracts';
import { readSpan } from './decode-span.js';
import { decodeJsonExportRequest, readResourceGroup, readScopeGroup } from './export-request.js';

/**
 * Decodes an OTLP/HTTP JSON body (ExportTraceServiceRequest). Follows the OTLP/JSON rules: hex ids, enums
 * as integers (names accepted), 64-bit integers as numbers or decimal strings, camelCase keys (snake_case
 * accepted), unknown keys ignored, null treated as absent. Non-hex ids pass through lowercased for the
 * normalizer to reject per span. Throws OtlpDecodeError with the path of the first invalid value.
 * 64-bit integers written as JSON numbers beyond 2^53 are kept exact (see decodeJsonExportRequest).
 */
export function decodeTraceRequestJson(text: string): OtlpTraceRequest {
  return {
    resourceSpans: decodeJsonExportRequest(text, ['resourceSpans', 'resource_spans'], readResourceSpans),
  };
}

function readResourceSpans(item: unknown): OtlpResourceSpans {
  const { resource, scopeGroups } = readResourceGroup(item, ['scopeSpans', 'scope_spans'], readScopeSpans);
  return { resource, scopeSpans: scopeGroups };
}

function readScopeSpans(item: unknown): OtlpScopeSpans {
  const { scope, items } = readScopeGroup(item, ['spans', 'spans'], readSpan);
  return { scope, spans: items };
}
