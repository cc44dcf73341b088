import type { OtlpLogRecord, OtlpLogsRequest } from '@driftwatch/contracts';
import { ROOT_CONTEXT, SeverityNumber, TraceFlags, context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { decodeLogsRequestJson } from './json/decode-logs-request.js';
import { decodeLogsRequestProtobuf } from './protobuf/decode-logs-request.js';

// Round trip through the encoder the OTel JS log exporters use (@opentelemetry/otlp-transformer).
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const ACTIVE_SPAN = '0000000000000001';
const EXPLICIT_TRACE = 'f'.repeat(31) + 'e';
const EXPLICIT_SPAN = '00f067aa0ba902b7';
const UNSAFE = 2 ** 53 + 2; // prints exactly, so JSON and protobuf carry the same digits
const LONG_TEXT = 'ünïcødé '.repeat(20);

function recordLogs(): ReadableLogRecord[] {
  const exporter = new InMemoryLogRecordExporter();
  const chat = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'chat-api', 'host.cpus': 8 }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const worker = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'worker' }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const genai = chat.getLogger('driftwatch-test', '0.9.0');

  // 1. An event emitted inside an active span: trace context comes from context.active().
  const tracer = new TracerProvider({
    idGenerator: { generateTraceId: () => TRACE_ID, generateSpanId: () => ACTIVE_SPAN },
  }).getTracer('t');
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  try {
    tracer.startActiveSpan('chat', (span) => {
      genai.emit({
        eventName: 'gen_ai.client.inference.operation.details',
        timestamp: [1_700_000_000, 123_456_789],
        observedTimestamp: [1_700_000_000, 223_456_789],
        severityNumber: SeverityNumber.INFO,
        severityText: 'INFO',
        body: {
          role: 'assistant',
          content: [{ type: 'text', text: 'héllo 🌊' }],
          usage: { input_tokens: 1234, big: UNSAFE },
          finish: null,
        },
        attributes: {
          'gen_ai.system': 'openai',
          stream: true,
          'offset.negative': -7,
          'big.negative': -UNSAFE,
          temperature: 0.25,
          long: LONG_TEXT,
          'list.mixed': ['a', 1, true, null],
          blob: new Uint8Array([0, 1, 2, 253, 254, 255]),
        },
      });
      span.end();
    });
  } finally {
    context.disable();
  }

  // 2. Trace context set explicitly; body of every other scalar type, one record per type.
  const explicit = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: EXPLICIT_TRACE,
    spanId: EXPLICIT_SPAN,
    traceFlags: TraceFlags.NONE,
  });
  const bodies: unknown[] = [
    'plain text',
    42,
    -0.5,
    false,
    new Uint8Array([0xff, 0xfe]),
    ['a', 2],
    undefined,
  ];
  for (const [i, body] of bodies.entries()) {
    genai.emit({
      body,
      timestamp: [1_700_000_001, i],
      observedTimestamp: [1_700_000_002, i],
      severityNumber: SeverityNumber.ERROR3,
      context: explicit,
    });
  }

  // 3. Another resource and scope, no trace context, no severity, only what the SDK fills in.
  worker.getLogger('jobs').emit({ eventName: 'job.done', timestamp: [0, 1], observedTimestamp: [0, 2] });
  return exporter.getFinishedLogRecords();
}

const record = (fields: Partial<OtlpLogRecord>): OtlpLogRecord => ({
  timeUnixNano: 0n,
  observedTimeUnixNano: 0n,
  severityNumber: 0,
  severityText: '',
  body: null,
  attributes: {},
  traceId: '',
  spanId: '',
  eventName: '',
  ...fields,
});

const expectedBodies = ['plain text', 42, -0.5, false, '//4=', ['a', 2], null];

const expectedRequest: OtlpLogsRequest = {
  resourceLogs: [
    {
      resource: { 'service.name': 'chat-api', 'host.cpus': 8 },
      scopeLogs: [
        {
          scope: { name: 'driftwatch-test', version: '0.9.0' },
          logRecords: [
            record({
              timeUnixNano: 1_700_000_000_123_456_789n,
              observedTimeUnixNano: 1_700_000_000_223_456_789n,
              severityNumber: 9,
              severityText: 'INFO',
              body: {
                role: 'assistant',
                content: [{ type: 'text', text: 'héllo 🌊' }],
                usage: { input_tokens: 1234, big: '9007199254740994' },
                finish: null,
              },
              attributes: {
                'gen_ai.system': 'openai',
                stream: true,
                'offset.negative': -7,
                'big.negative': '-9007199254740994',
                temperature: 0.25,
                long: LONG_TEXT,
                'list.mixed': ['a', 1, true, null],
                blob: 'AAEC/f7/',
              },
              traceId: TRACE_ID,
              spanId: ACTIVE_SPAN,
              eventName: 'gen_ai.client.inference.operation.details',
            }),
            ...expectedBodies.map((body, i) =>
              record({
                timeUnixNano: 1_700_000_001_000_000_000n + BigInt(i),
                observedTimeUnixNano: 1_700_000_002_000_000_000n + BigInt(i),
                severityNumber: 19,
                body,
                traceId: EXPLICIT_TRACE,
                spanId: EXPLICIT_SPAN,
              }),
            ),
          ],
        },
      ],
    },
    {
      resource: { 'service.name': 'worker' },
      scopeLogs: [
        {
          scope: { name: 'jobs', version: '' },
          logRecords: [record({ timeUnixNano: 1n, observedTimeUnixNano: 2n, eventName: 'job.done' })],
        },
      ],
    },
  ],
};

describe('logs round trip through @opentelemetry/otlp-transformer', () => {
  const logs = recordLogs();

  it('records what the test expects (trace context from the active span and set explicitly)', () => {
    expect(logs).toHaveLength(9);
    expect(logs[0]?.spanContext).toMatchObject({ traceId: TRACE_ID, spanId: ACTIVE_SPAN });
  });

  it('decodes what ProtobufLogsSerializer encodes', () => {
    const bytes = ProtobufLogsSerializer.serializeRequest(logs);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(decodeLogsRequestProtobuf(bytes as Uint8Array)).toEqual(expectedRequest);
  });

  it('decodes the same bytes from a Node Buffer', () => {
    const bytes = ProtobufLogsSerializer.serializeRequest(logs) as Uint8Array;
    expect(decodeLogsRequestProtobuf(Buffer.from(bytes))).toEqual(expectedRequest);
  });

  it('decodes what JsonLogsSerializer encodes, to the same result', () => {
    const text = new TextDecoder().decode(JsonLogsSerializer.serializeRequest(logs));
    expect(text).toContain(`"traceId":"${TRACE_ID}"`);
    expect(text).toContain('"eventName":"job.done"');
    expect(decodeLogsRequestJson(text)).toEqual(expectedRequest);
  });
});
