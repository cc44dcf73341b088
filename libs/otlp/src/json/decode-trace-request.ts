import type { OtlpResourceSpans, OtlpScopeSpans, OtlpTraceRequest } from '@driftwatch/contracts';
import { OtlpDecodeError, atPath } from '../errors.js';
import { readAttributesInto } from './any-value.js';
import { readSpan } from './decode-span.js';
import { INEXACT_INTEGER, expectObject, expectString, readArray } from './values.js';

/**
 * Decodes an OTLP/HTTP JSON body (ExportTraceServiceRequest). Follows the OTLP/JSON rules: hex ids, enums
 * as integers (names accepted), 64-bit integers as numbers or decimal strings, camelCase keys (snake_case
 * accepted), unknown keys ignored, null treated as absent. Non-hex ids pass through lowercased for the
 * normalizer to reject per span. Throws OtlpDecodeError with the path of the first invalid value.
 *
 * 64-bit integers written as JSON numbers beyond 2^53 are kept exact: the body is parsed again with a
 * reviver that reads their source digits (only when such a number is met, so the common path parses once).
 */
export function decodeTraceRequestJson(text: string): OtlpTraceRequest {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new OtlpDecodeError(`invalid JSON: ${reason}`, '', { cause: error });
  }
  try {
    return readRequest(root);
  } catch (error) {
    if (error !== INEXACT_INTEGER) throw error;
  }
  return readRequest(JSON.parse(text, keepIntegersExact));
}

function keepIntegersExact(_key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value !== 'number' || !Number.isInteger(value) || Number.isSafeInteger(value)) return value;
  const source = context?.source;
  return source !== undefined && /^-?\d+$/.test(source) ? BigInt(source) : BigInt(value);
}

function readRequest(item: unknown): OtlpTraceRequest {
  const json = expectObject(item);
  const resourceSpans = json['resourceSpans'] ?? json['resource_spans'];
  if (resourceSpans === null || resourceSpans === undefined) return { resourceSpans: [] };
  try {
    return { resourceSpans: readArray(resourceSpans, readResourceSpans) };
  } catch (error) {
    throw atPath(error, json['resourceSpans'] === undefined ? 'resource_spans' : 'resourceSpans');
  }
}

function readResourceSpans(item: unknown): OtlpResourceSpans {
  const json = expectObject(item);
  const resourceSpans: OtlpResourceSpans = { resource: {}, scopeSpans: [] };
  let name = '';
  try {
    for (name in json) {
      const value = json[name];
      if (value === null || value === undefined) continue;
      if (name === 'scopeSpans' || name === 'scope_spans') {
        resourceSpans.scopeSpans = readArray(value, readScopeSpans);
      } else if (name === 'resource') {
        const attributes = expectObject(value)['attributes'];
        if (attributes !== null && attributes !== undefined) {
          try {
            readAttributesInto(resourceSpans.resource, attributes, 0);
          } catch (error) {
            throw atPath(error, 'attributes');
          }
        }
      }
    }
  } catch (error) {
    throw atPath(error, name);
  }
  return resourceSpans;
}

function readScopeSpans(item: unknown): OtlpScopeSpans {
  const json = expectObject(item);
  const scopeSpans: OtlpScopeSpans = { scope: { name: '', version: '' }, spans: [] };
  let name = '';
  try {
    for (name in json) {
      const value = json[name];
      if (value === null || value === undefined) continue;
      if (name === 'spans') scopeSpans.spans = readArray(value, readSpan);
      else if (name === 'scope') scopeSpans.scope = readScope(value);
    }
  } catch (error) {
    throw atPath(error, name);
  }
  return scopeSpans;
}

function readScope(item: unknown): OtlpScopeSpans['scope'] {
  const json = expectObject(item);
  const scope = { name: '', version: '' };
  let name = '';
  try {
    for (name in json) {
      const value = json[name];
      if (value === null || value === undefined) continue;
      if (name === 'name') scope.name = expectString(value);
      else if (name === 'version') scope.version = expectString(value);
    }
  } catch (error) {
    throw atPath(error, name);
  }
  return scope;
}
