// Realistic LLM traces as OTLP/HTTP protobuf request bodies, built once and then re-stamped per request.
//
// A trace is a root span (POST /api/chat, SERVER) and a chat span (CLIENT) with gen_ai.* attributes:
// provider, models, usage, finish reasons, gen_ai.input.messages / gen_ai.output.messages as JSON with
// varied text, user and session ids. One request = one ResourceSpans with `spansPerRequest` spans.
//
// Bodies are encoded with @opentelemetry/otlp-transformer's ProtobufTraceSerializer when it is installed,
// else with the small encoder below. Every trace id is 16 bytes: the first 8 are a per-request stamp
// (patched in place before each send), the last 8 are random per trace, so every request carries distinct
// trace ids without re-encoding; the first 4 bytes of every span id are stamped as well.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Deterministic PRNG (mulberry32), so a seed always gives the same bodies. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the a model answer question customer order invoice refund shipping delay policy account password reset ' +
  'summary report quarterly revenue growth forecast error timeout retry latency database index query cache ' +
  'translate french german spanish japanese email draft polite formal friendly meeting schedule tomorrow ' +
  'monday calendar invite budget approve reject review contract clause liability warranty product feature ' +
  'release notes bug crash stack trace deploy rollback kubernetes cluster node memory leak profile cpu ' +
  'recipe pasta tomato garlic basil oven minutes travel flight hotel booking paris tokyo weather forecast ' +
  'please could you explain why how what when where which because therefore however although also then ' +
  'first second finally step list table json field value key user session prompt token context window'
).split(' ');

function sentence(rand, words) {
  const out = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(rand() * WORDS.length)]);
  const text = out.join(' ');
  return `${text[0].toUpperCase()}${text.slice(1)}.`;
}

function paragraph(rand, bytes) {
  let text = '';
  while (text.length < bytes) text += (text ? ' ' : '') + sentence(rand, 6 + Math.floor(rand() * 10));
  return text;
}

function hex(rand, bytes) {
  let s = '';
  for (let i = 0; i < bytes; i++)
    s += Math.floor(rand() * 256)
      .toString(16)
      .padStart(2, '0');
  return s;
}

const MODELS = [
  ['openai', 'gpt-4o-mini', 'gpt-4o-mini-2024-07-18'],
  ['openai', 'gpt-4.1', 'gpt-4.1-2025-04-14'],
  ['anthropic', 'claude-sonnet-4-5', 'claude-sonnet-4-5-20250929'],
  ['aws.bedrock', 'anthropic.claude-3-5-haiku-20241022-v1:0', 'anthropic.claude-3-5-haiku-20241022-v1:0'],
  ['gcp.gemini', 'gemini-2.5-flash', 'gemini-2.5-flash'],
];
const ROUTES = ['/api/chat', '/api/support/reply', '/api/summarize', '/api/translate'];
const SYSTEM_PROMPTS = [
  'You are a helpful support assistant for an online shop. Answer briefly and politely.',
  'You summarize documents for busy executives. Use bullet points.',
  'You translate text faithfully and keep the formatting.',
];

/** Span-like objects (the ReadableSpan shape the OTel serializer reads) for one trace. */
function makeTrace(rand, resource, scope, nowNs, withoutUsage) {
  const traceId = hex(rand, 16);
  const rootId = hex(rand, 8);
  const chatId = hex(rand, 8);
  const [provider, model, responseModel] = MODELS[Math.floor(rand() * MODELS.length)];
  const user = `user-${Math.floor(rand() * 5000)}`;
  const session = `sess-${hex(rand, 6)}`;
  const route = ROUTES[Math.floor(rand() * ROUTES.length)];
  const startNs = nowNs - BigInt(Math.floor(rand() * 5e9));
  const chatStartNs = startNs + BigInt(Math.floor(2e6 + rand() * 5e6));
  const chatDurNs = BigInt(Math.floor(3e8 + rand() * 2.5e9));
  const endNs = chatStartNs + chatDurNs + BigInt(Math.floor(1e6 + rand() * 4e6));
  const question = paragraph(rand, 400 + Math.floor(rand() * 500));
  const answer = paragraph(rand, 700 + Math.floor(rand() * 800));
  const inputTokens = 40 + Math.floor(question.length / 4) + Math.floor(rand() * 50);
  const outputTokens = Math.floor(answer.length / 4) + Math.floor(rand() * 20);
  const inputMessages = [
    {
      role: 'system',
      parts: [{ type: 'text', content: SYSTEM_PROMPTS[Math.floor(rand() * SYSTEM_PROMPTS.length)] }],
    },
    { role: 'user', parts: [{ type: 'text', content: question }] },
  ];
  const outputMessages = [
    { role: 'assistant', parts: [{ type: 'text', content: answer }], finish_reason: 'stop' },
  ];
  const root = spanLike({
    traceId,
    spanId: rootId,
    parentSpanId: '',
    name: `POST ${route}`,
    kind: 1, // SERVER (API enum; the serializer adds 1)
    startNs,
    endNs,
    attributes: {
      'http.request.method': 'POST',
      'http.route': route,
      'url.path': route,
      'http.response.status_code': 200,
      'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36',
      'client.address': `10.0.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}`,
      'user.id': user,
      'session.id': session,
      'app.request.id': hex(rand, 12),
      'app.feature_flags': 'new-prompt-v3,streaming',
      'app.input.preview': question.slice(0, 300),
      'app.output.preview': answer.slice(0, 300),
    },
    resource,
    scope,
  });
  const chat = spanLike({
    traceId,
    spanId: chatId,
    parentSpanId: rootId,
    name: `chat ${model}`,
    kind: 2, // CLIENT
    startNs: chatStartNs,
    endNs: chatStartNs + chatDurNs,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': provider,
      'gen_ai.request.model': model,
      'gen_ai.response.model': responseModel,
      'gen_ai.response.id': `chatcmpl-${hex(rand, 12)}`,
      'gen_ai.request.temperature': Math.round(rand() * 10) / 10,
      'gen_ai.request.max_tokens': 1024,
      // withoutUsage: a streamed call whose instrumentation reports no counts (bench/ingest/estimate.mjs)
      ...(withoutUsage
        ? {}
        : { 'gen_ai.usage.input_tokens': inputTokens, 'gen_ai.usage.output_tokens': outputTokens }),
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.input.messages': JSON.stringify(inputMessages),
      'gen_ai.output.messages': JSON.stringify(outputMessages),
      'server.address': 'api.example-llm.com',
      'server.port': 443,
      'user.id': user,
      'session.id': session,
    },
    resource,
    scope,
  });
  return { traceId, spans: [root, chat] };
}

function spanLike(s) {
  const ctx = { traceId: s.traceId, spanId: s.spanId, traceFlags: 1 };
  return {
    name: s.name,
    kind: s.kind,
    spanContext: () => ctx,
    parentSpanContext: s.parentSpanId
      ? { traceId: s.traceId, spanId: s.parentSpanId, traceFlags: 1 }
      : undefined,
    startTime: [Number(s.startNs / 1_000_000_000n), Number(s.startNs % 1_000_000_000n)],
    endTime: [Number(s.endNs / 1_000_000_000n), Number(s.endNs % 1_000_000_000n)],
    status: { code: 1 },
    attributes: s.attributes,
    links: [],
    events: [],
    duration: [0, 0],
    ended: true,
    resource: s.resource,
    instrumentationScope: s.scope,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

let serializer;
/** ProtobufTraceSerializer if installed, else the hand-written encoder; the name says which. */
export function getSerializer() {
  if (serializer) return serializer;
  try {
    const { ProtobufTraceSerializer } = require('@opentelemetry/otlp-transformer');
    serializer = {
      name: '@opentelemetry/otlp-transformer',
      encode: (spans) => ProtobufTraceSerializer.serializeRequest(spans),
    };
  } catch {
    serializer = { name: 'hand-written encoder (bench/ingest/lib/spans.mjs)', encode: encodeRequest };
  }
  return serializer;
}

/**
 * One request template: an encoded body plus the byte offsets of every trace id in it.
 * `stamp(buffer, requestStamp)` writes the 8-byte request stamp into all trace ids and returns the first
 * trace's id (the request's marker trace) as hex.
 */
export function buildTemplate({
  seed,
  spansPerRequest,
  nowNs = BigInt(Date.now()) * 1_000_000n,
  withoutUsage = false,
}) {
  const { spans, traces } = buildSpans({ seed, spansPerRequest, nowNs, withoutUsage });
  const body = Buffer.from(getSerializer().encode(spans));
  const offsets = [];
  for (const traceId of traces) {
    const needle = Buffer.from(traceId, 'hex');
    let at = body.indexOf(needle);
    while (at !== -1) {
      offsets.push(at);
      at = body.indexOf(needle, at + 16);
    }
  }
  if (offsets.length !== spans.length) {
    throw new Error(`template: found ${offsets.length} trace ids for ${spans.length} spans`);
  }
  // Span ids too (as span_id and parent_span_id): stores that key spans by span id alone (Phoenix) would
  // otherwise keep one copy of each template's spans.
  const spanIdOffsets = [];
  for (const span of spans) {
    const needle = Buffer.from(span.spanContext().spanId, 'hex');
    let at = body.indexOf(needle);
    while (at !== -1) {
      spanIdOffsets.push(at);
      at = body.indexOf(needle, at + 8);
    }
  }
  const markerSuffix = traces[0].slice(16);
  return {
    body,
    spans: spans.length,
    traces: traces.length,
    offsets: Int32Array.from(offsets),
    spanIdOffsets: Int32Array.from(spanIdOffsets),
    /**
     * Writes the stamp (8 bytes: hi, lo uint32) into every trace id and a 4-byte mix of it into the first half
     * of every span id; returns the marker trace id.
     */
    stamp(hi, lo) {
      for (let i = 0; i < this.offsets.length; i++) {
        const at = this.offsets[i];
        body.writeUInt32BE(hi >>> 0, at);
        body.writeUInt32BE(lo >>> 0, at + 4);
      }
      const spanStamp = (Math.imul(hi >>> 0, 0x9e3779b1) ^ lo) >>> 0;
      for (let i = 0; i < this.spanIdOffsets.length; i++)
        body.writeUInt32BE(spanStamp, this.spanIdOffsets[i]);
      return `${(hi >>> 0).toString(16).padStart(8, '0')}${(lo >>> 0).toString(16).padStart(8, '0')}${markerSuffix}`;
    },
  };
}

/** The span-like objects of one request (`spansPerRequest` spans) and the trace ids they belong to. */
export function buildSpans({
  seed,
  spansPerRequest,
  nowNs = BigInt(Date.now()) * 1_000_000n,
  withoutUsage = false,
}) {
  const rand = prng(seed);
  const resource = {
    attributes: {
      'service.name': 'chat-api',
      'service.version': `1.${Math.floor(rand() * 9)}.${Math.floor(rand() * 20)}`,
      'deployment.environment.name': 'production',
      'service.instance.id': hex(rand, 8),
      'host.name': `chat-api-${hex(rand, 3)}`,
      'telemetry.sdk.name': 'opentelemetry',
      'telemetry.sdk.language': 'nodejs',
      'telemetry.sdk.version': '2.0.1',
    },
  };
  const scope = { name: '@driftwatch/bench-genai', version: '1.0.0' };
  const traces = [];
  const spans = [];
  while (spans.length < spansPerRequest) {
    const trace = makeTrace(rand, resource, scope, nowNs, withoutUsage);
    traces.push(trace.traceId);
    for (const s of trace.spans) if (spans.length < spansPerRequest) spans.push(s);
  }
  return { spans, traces };
}

// ---------------------------------------------------------------------------------------------------------
// Fallback encoder: ExportTraceServiceRequest from the same span-like objects (proto field numbers as in
// opentelemetry-proto). Used only when @opentelemetry/otlp-transformer is not installed.

class Writer {
  constructor() {
    this.chunks = [];
  }
  bytes() {
    return Buffer.concat(this.chunks);
  }
  varint(v) {
    const out = [];
    let n = BigInt.asUintN(64, BigInt(v));
    while (n > 0x7fn) {
      out.push(Number(n & 0x7fn) | 0x80);
      n >>= 7n;
    }
    out.push(Number(n));
    this.chunks.push(Buffer.from(out));
  }
  tag(field, wire) {
    this.varint((field << 3) | wire);
  }
  len(field, buf) {
    this.tag(field, 2);
    this.varint(buf.length);
    this.chunks.push(buf);
  }
  str(field, s) {
    this.len(field, Buffer.from(s, 'utf8'));
  }
  fixed64(field, big) {
    this.tag(field, 1);
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(big);
    this.chunks.push(b);
  }
  msg(field, build) {
    const w = new Writer();
    build(w);
    this.len(field, w.bytes());
  }
}

function anyValue(w, v) {
  if (typeof v === 'string') w.str(1, v);
  else if (typeof v === 'boolean') {
    w.tag(2, 0);
    w.varint(v ? 1 : 0);
  } else if (typeof v === 'number' && Number.isInteger(v)) {
    w.tag(3, 0);
    w.varint(v);
  } else if (typeof v === 'number') {
    w.tag(4, 1);
    const b = Buffer.alloc(8);
    b.writeDoubleLE(v);
    w.chunks.push(b);
  } else if (Array.isArray(v)) w.msg(5, (a) => v.forEach((x) => a.msg(1, (av) => anyValue(av, x))));
}

function attributes(w, field, attrs) {
  for (const [k, v] of Object.entries(attrs)) {
    w.msg(field, (kv) => {
      kv.str(1, k);
      kv.msg(2, (av) => anyValue(av, v));
    });
  }
}

const hrToBig = ([s, ns]) => BigInt(s) * 1_000_000_000n + BigInt(ns);

export function encodeRequest(spans) {
  const w = new Writer();
  w.msg(1, (rs) => {
    rs.msg(1, (r) => attributes(r, 1, spans[0].resource.attributes));
    rs.msg(2, (ss) => {
      ss.msg(1, (sc) => {
        sc.str(1, spans[0].instrumentationScope.name);
        sc.str(2, spans[0].instrumentationScope.version);
      });
      for (const span of spans) {
        ss.msg(2, (s) => {
          const ctx = span.spanContext();
          s.len(1, Buffer.from(ctx.traceId, 'hex'));
          s.len(2, Buffer.from(ctx.spanId, 'hex'));
          if (span.parentSpanContext) s.len(4, Buffer.from(span.parentSpanContext.spanId, 'hex'));
          s.str(5, span.name);
          s.tag(6, 0);
          s.varint(span.kind + 1);
          s.fixed64(7, hrToBig(span.startTime));
          s.fixed64(8, hrToBig(span.endTime));
          attributes(s, 9, span.attributes);
          s.msg(15, (st) => {
            st.tag(3, 0);
            st.varint(span.status.code);
          });
        });
      }
    });
  });
  return w.bytes();
}
