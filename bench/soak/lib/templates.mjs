// Valid OTLP request bodies for the soak's exporters, protobuf or JSON, re-stamped with fresh trace ids before
// every send (built on bench/ingest/lib/spans.mjs). Every stamp gives distinct trace ids, so the soak can list the
// exact (trace id, span id) pairs each acknowledged request carried.

import { createRequire } from 'node:module';
import { buildSpans, buildTemplate } from '../../ingest/lib/spans.mjs';

const require = createRequire(import.meta.url);

/** OTLP/JSON of span-like objects, as the OTel JS JSON exporter sends it (hex ids). */
function jsonBody(spans) {
  const { JsonTraceSerializer } = require('@opentelemetry/otlp-transformer');
  return Buffer.from(JsonTraceSerializer.serializeRequest(spans));
}

/**
 * A request template: `stamp(hi, lo)` writes an 8-byte stamp (two uint32) over the first half of every trace id
 * and returns the body to send plus the (traceId, spanId) pairs it now carries.
 */
export function soakTemplate({ seed, spansPerRequest, format, nowNs = BigInt(Date.now()) * 1_000_000n }) {
  const { spans, traces } = buildSpans({ seed, spansPerRequest, nowNs });
  // trace id suffix (its last 8 bytes, random per template) -> the span ids of that trace
  const pairs = spans.map((s) => [s.spanContext().traceId.slice(16), s.spanContext().spanId]);
  const prefix = (hi, lo) =>
    `${(hi >>> 0).toString(16).padStart(8, '0')}${(lo >>> 0).toString(16).padStart(8, '0')}`;
  const stampedPairs = (hi, lo) => {
    const p = prefix(hi, lo);
    return pairs.map(([suffix, spanId]) => `${p}${suffix}:${spanId}`);
  };
  if (format === 'protobuf') {
    const template = buildTemplate({ seed, spansPerRequest, nowNs });
    return {
      spans: spans.length,
      stamp(hi, lo) {
        template.stamp(hi, lo);
        return { body: Buffer.from(template.body), pairs: stampedPairs(hi, lo) };
      },
    };
  }
  const body = jsonBody(spans);
  const offsets = [];
  for (const traceId of traces) {
    const needle = Buffer.from(`"${traceId}"`);
    for (let at = body.indexOf(needle); at !== -1; at = body.indexOf(needle, at + 1)) offsets.push(at + 1);
  }
  if (offsets.length < spans.length)
    throw new Error(`JSON template: ${offsets.length} trace ids for ${spans.length} spans`);
  return {
    spans: spans.length,
    stamp(hi, lo) {
      const p = Buffer.from(prefix(hi, lo));
      for (const at of offsets) p.copy(body, at);
      return { body: Buffer.from(body), pairs: stampedPairs(hi, lo) };
    },
  };
}
