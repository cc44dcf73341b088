import type { OtlpSpan, OtlpTraceRequest } from '@driftwatch/contracts';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  createTraceState,
  trace,
} from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { decodeTraceRequestJson } from './json/decode-trace-request.js';
import { decodeTraceRequestProtobuf } from './protobuf/decode-trace-request.js';

// Round trip through the encoder the OTel JS exporters use (@opentelemetry/otlp-transformer).
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const REMOTE_PARENT = 'b7ad6b7169203331';
const LINKED_TRACE = 'f'.repeat(31) + 'e';
const LINKED_SPAN = '00f067aa0ba902b7';
const UNSAFE = 2 ** 53 + 2; // prints exactly, so JSON and protobuf carry the same digits
const LONG_TEXT = 'ünïcødé '.repeat(20); // past protobufjs's short-string path

function recordSpans(): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  let nextSpanId = 0;
  const idGenerator = {
    generateTraceId: () => TRACE_ID,
    generateSpanId: () => (++nextSpanId).toString(16).padStart(16, '0'),
  };
  const chat = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'chat-api',
      'service.version': '1.2.3',
      'host.cpus': 8,
    }),
    idGenerator,
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const worker = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'worker' }),
    idGenerator,
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });

  const parent = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: TRACE_ID,
    spanId: REMOTE_PARENT,
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: createTraceState('vendor=opaque,other=1'),
  });
  const llm = chat.getTracer('driftwatch-test', '0.9.0').startSpan(
    'chat gpt-5',
    {
      kind: SpanKind.CLIENT,
      startTime: [1_700_000_000, 123_456_789],
      links: [
        {
          context: { traceId: LINKED_TRACE, spanId: LINKED_SPAN, traceFlags: TraceFlags.NONE },
          attributes: { 'link.reason': 'retry-of', attempt: 2 },
        },
      ],
      attributes: {
        'gen_ai.system': 'openai',
        stream: true,
        'usage.input_tokens': 1234,
        'offset.negative': -7,
        'big.positive': UNSAFE,
        'big.negative': -UNSAFE,
        temperature: 0.25,
        unicode: 'héllo 🌊',
        long: LONG_TEXT,
        'list.strings': ['a', 'b'],
        'list.numbers': [1, 2.5],
        'list.bools': [true, false],
        'list.mixed': ['a', 1, true, null],
        request: { model: 'gpt-5', params: { temperature: 0.7, top_k: 40 }, tags: ['x'] },
        blob: new Uint8Array([0, 1, 2, 253, 254, 255]),
        nothing: null,
      },
    },
    parent,
  );
  llm.addEvent('gen_ai.content.prompt', { 'gen_ai.prompt': 'hi', index: 0 }, [1_700_000_000, 200_000_001]);
  llm.addEvent('first-token', [1_700_000_000, 999_999_999]);
  llm.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited' });
  llm.end([1_700_000_001, 5]);

  const tool = chat.getTracer('tools').startSpan('search', { startTime: [1_700_000_002, 0] }, ROOT_CONTEXT);
  tool.setStatus({ code: SpanStatusCode.OK });
  tool.end([1_700_000_002, 1]);

  worker
    .getTracer('jobs', '2.0.0')
    .startSpan('job', { kind: SpanKind.CONSUMER, startTime: [0, 1] }, ROOT_CONTEXT)
    .end([0, 2]);
  return exporter.getFinishedSpans();
}

const expectedLlmSpan: OtlpSpan = {
  traceId: TRACE_ID,
  spanId: '0000000000000001',
  parentSpanId: REMOTE_PARENT,
  name: 'chat gpt-5',
  kind: 3,
  startTimeUnixNano: 1_700_000_000_123_456_789n,
  endTimeUnixNano: 1_700_000_001_000_000_005n,
  attributes: {
    'gen_ai.system': 'openai',
    stream: true,
    'usage.input_tokens': 1234,
    'offset.negative': -7,
    'big.positive': '9007199254740994',
    'big.negative': '-9007199254740994',
    temperature: 0.25,
    unicode: 'héllo 🌊',
    long: LONG_TEXT,
    'list.strings': ['a', 'b'],
    'list.numbers': [1, 2.5],
    'list.bools': [true, false],
    'list.mixed': ['a', 1, true, null],
    request: { model: 'gpt-5', params: { temperature: 0.7, top_k: 40 }, tags: ['x'] },
    blob: 'AAEC/f7/',
    nothing: null,
  },
  events: [
    {
      name: 'gen_ai.content.prompt',
      timeUnixNano: 1_700_000_000_200_000_001n,
      attributes: { 'gen_ai.prompt': 'hi', index: 0 },
    },
    { name: 'first-token', timeUnixNano: 1_700_000_000_999_999_999n, attributes: {} },
  ],
  links: [
    { traceId: LINKED_TRACE, spanId: LINKED_SPAN, attributes: { 'link.reason': 'retry-of', attempt: 2 } },
  ],
  status: { code: 2, message: 'rate limited' },
};

const expectedRequest: OtlpTraceRequest = {
  resourceSpans: [
    {
      resource: { 'service.name': 'chat-api', 'service.version': '1.2.3', 'host.cpus': 8 },
      scopeSpans: [
        { scope: { name: 'driftwatch-test', version: '0.9.0' }, spans: [expectedLlmSpan] },
        {
          scope: { name: 'tools', version: '' },
          spans: [
            {
              traceId: TRACE_ID,
              spanId: '0000000000000002',
              parentSpanId: '',
              name: 'search',
              kind: 1,
              startTimeUnixNano: 1_700_000_002_000_000_000n,
              endTimeUnixNano: 1_700_000_002_000_000_001n,
              attributes: {},
              events: [],
              links: [],
              status: { code: 1, message: '' },
            },
          ],
        },
      ],
    },
    {
      resource: { 'service.name': 'worker' },
      scopeSpans: [
        {
          scope: { name: 'jobs', version: '2.0.0' },
          spans: [
            {
              traceId: TRACE_ID,
              spanId: '0000000000000003',
              parentSpanId: '',
              name: 'job',
              kind: 5,
              startTimeUnixNano: 1n,
              endTimeUnixNano: 2n,
              attributes: {},
              events: [],
              links: [],
              status: { code: 0, message: '' },
            },
          ],
        },
      ],
    },
  ],
};

describe('round trip through @opentelemetry/otlp-transformer', () => {
  const spans = recordSpans();

  it('decodes what ProtobufTraceSerializer encodes', () => {
    const bytes = ProtobufTraceSerializer.serializeRequest(spans);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(decodeTraceRequestProtobuf(bytes as Uint8Array)).toEqual(expectedRequest);
  });

  it('decodes the same bytes from a Node Buffer (protobufjs BufferReader)', () => {
    const bytes = ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array;
    expect(decodeTraceRequestProtobuf(Buffer.from(bytes))).toEqual(expectedRequest);
  });

  it('decodes what JsonTraceSerializer encodes, to the same result', () => {
    const text = new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans));
    expect(text).toContain(`"traceId":"${TRACE_ID}"`); // hex ids, as OTLP/JSON requires
    expect(decodeTraceRequestJson(text)).toEqual(expectedRequest);
  });

  it('keeps 64-bit ints exact: protobuf has the bits, JSON has the digits the encoder printed', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    provider
      .getTracer('t')
      .startSpan('s', { attributes: { huge: 2 ** 60, min: -(2 ** 63) } }, ROOT_CONTEXT)
      .end();
    const [span] = exporter.getFinishedSpans();
    if (!span) throw new Error('no span recorded');

    const fromProtobuf = decodeTraceRequestProtobuf(
      ProtobufTraceSerializer.serializeRequest([span]) as Uint8Array,
    );
    expect(fromProtobuf.resourceSpans[0]?.scopeSpans[0]?.spans[0]?.attributes).toEqual({
      huge: '1152921504606846976',
      min: '-9223372036854775808',
    });
    // JSON.stringify(2 ** 60) prints 1152921504606847000: the decoder keeps the digits that were sent.
    // -(2 ** 63) prints as -9223372036854776000, outside int64: the double it denotes is taken instead.
    const text = new TextDecoder().decode(JsonTraceSerializer.serializeRequest([span]));
    expect(text).toContain('-9223372036854776000');
    const fromJson = decodeTraceRequestJson(text);
    expect(fromJson.resourceSpans[0]?.scopeSpans[0]?.spans[0]?.attributes).toEqual({
      huge: '1152921504606847000',
      min: '-9223372036854775808',
    });
  });
});
