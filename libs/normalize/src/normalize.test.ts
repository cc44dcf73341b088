import { describe, expect, it } from 'vitest';
import { normalizeTraceRequest } from './index.js';
import { event, normalizeOne, request, sid, span, T0, TRACE_ID } from './testing/otlp-builders.js';

describe('normalizeTraceRequest: span fields', () => {
  it('maps kind, status, resource and scope fields', () => {
    const result = normalizeTraceRequest(
      request(
        [span({ kind: 3, status: { code: 2, message: 'boom' }, name: 'GET /checkout' })],
        {
          'service.name': 'checkout',
          'service.version': '1.4.2',
          'deployment.environment.name': 'production',
        },
        '@opentelemetry/instrumentation-http',
      ),
      { projectId: 'proj-1' },
    );
    expect(result.rejected).toEqual([]);
    const [record] = result.records;
    expect(record).toMatchObject({
      projectId: 'proj-1',
      traceId: TRACE_ID,
      spanId: sid(1),
      parentSpanId: '',
      name: 'GET /checkout',
      kind: 'client',
      status: 'error',
      statusMessage: 'boom',
      serviceName: 'checkout',
      release: '1.4.2',
      environment: 'production',
      scopeName: '@opentelemetry/instrumentation-http',
      scopeVersion: '1.0.0',
      llm: null,
      userId: '',
      sessionId: '',
      tags: [],
      metadata: {},
      promptName: '',
      promptVersion: '',
    });
  });

  it.each([
    [0, 'unspecified'],
    [1, 'internal'],
    [2, 'server'],
    [3, 'client'],
    [4, 'producer'],
    [5, 'consumer'],
    [9, 'unspecified'],
  ])('maps span kind %i to %s', (kind, name) => {
    expect(normalizeOne(span({ kind })).kind).toBe(name);
  });

  it.each([
    [0, 'unset'],
    [1, 'ok'],
    [2, 'error'],
    [7, 'unset'],
  ])('maps status code %i to %s', (code, name) => {
    expect(normalizeOne(span({ status: { code, message: '' } })).status).toBe(name);
  });

  it('reads the older deployment.environment attribute', () => {
    const result = normalizeTraceRequest(request([span()], { 'deployment.environment': 'staging' }), {
      projectId: 'p',
    });
    expect(result.records[0]?.environment).toBe('staging');
    expect(result.records[0]?.serviceName).toBe('');
  });

  it('keeps nanosecond times exact as decimal strings', () => {
    const start = 1_767_225_600_123_456_789n;
    const record = normalizeOne(span({ startTimeUnixNano: start, endTimeUnixNano: start + 2_000_001n }));
    expect(record.startTimeUnixNano).toBe('1767225600123456789');
    expect(record.endTimeUnixNano).toBe('1767225600125456790');
    expect(record.durationNs).toBe(2_000_001);
  });

  it('converts event times to decimal strings and keeps event attributes', () => {
    const record = normalizeOne(span({ events: [event('exception', { 'exception.message': 'x' }, 5n)] }));
    expect(record.events).toEqual([
      { name: 'exception', timeUnixNano: (T0 + 5n).toString(), attributes: { 'exception.message': 'x' } },
    ]);
  });

  it('accepts a zero-length span', () => {
    expect(normalizeOne(span({ endTimeUnixNano: T0 })).durationNs).toBe(0);
  });

  it('keeps spans from several resources and scopes with their own service names', () => {
    const result = normalizeTraceRequest(
      {
        resourceSpans: [
          request([span({ spanId: sid(1) })], { 'service.name': 'a' }).resourceSpans[0]!,
          request([span({ spanId: sid(2) })], { 'service.name': 'b' }).resourceSpans[0]!,
        ],
      },
      { projectId: 'p' },
    );
    expect(result.records.map((r) => r.serviceName)).toEqual(['a', 'b']);
  });

  it('returns nothing for an empty request', () => {
    expect(normalizeTraceRequest({ resourceSpans: [] }, { projectId: 'p' })).toEqual({
      records: [],
      rejected: [],
    });
  });

  it('drops client-supplied embedding vectors from the stored attributes, keeping them aside for embedding', () => {
    const record = normalizeOne(
      span({
        attributes: {
          'openinference.span.kind': 'EMBEDDING',
          'embedding.model_name': 'text-embedding-3-small',
          'embedding.embeddings.0.embedding.text': 'hello',
          'embedding.embeddings.0.embedding.vector': [0.1, 0.2, 0.3],
        },
      }),
    );
    expect(record.attributes['embedding.embeddings.0.embedding.vector']).toBeUndefined();
    expect(record.attributes['embedding.embeddings.0.embedding.text']).toBe('hello');
    expect(record.clientVectorAttributes).toEqual({
      'embedding.model_name': 'text-embedding-3-small',
      'embedding.embeddings.0.embedding.text': 'hello',
      'embedding.embeddings.0.embedding.vector': [0.1, 0.2, 0.3],
    });
    expect(
      normalizeOne(span({ attributes: { 'gen_ai.request.model': 'm' } })).clientVectorAttributes,
    ).toBeUndefined();
  });
});

describe('normalizeTraceRequest: invalid spans', () => {
  const valid = span({ spanId: sid(1) });

  it.each([
    ['a short traceId', { traceId: 'abc' }, /traceId/],
    ['an uppercase traceId', { traceId: TRACE_ID.toUpperCase() }, /traceId/],
    ['an all-zero traceId', { traceId: '0'.repeat(32) }, /traceId/],
    ['a non-hex traceId', { traceId: 'z'.repeat(32) }, /traceId/],
    ['a short spanId', { spanId: 'abc' }, /spanId/],
    ['an all-zero spanId', { spanId: '0'.repeat(16) }, /spanId/],
    ['a 32-char spanId', { spanId: TRACE_ID }, /spanId/],
    ['a malformed parentSpanId', { parentSpanId: 'xyz' }, /parentSpanId/],
    ['an end before the start', { endTimeUnixNano: T0 - 1n }, /ends before it starts/],
  ])('rejects %s and keeps the other spans', (_label, overrides, reason) => {
    const bad = span({ spanId: sid(2), ...overrides });
    const result = normalizeTraceRequest(request([valid, bad, span({ spanId: sid(3) })]), { projectId: 'p' });
    expect(result.records.map((r) => r.spanId)).toEqual([sid(1), sid(3)]);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]?.spanId).toBe(bad.spanId);
    expect(result.rejected[0]?.reason).toMatch(reason);
  });

  it('treats an all-zero parentSpanId as no parent', () => {
    expect(normalizeOne(span({ parentSpanId: '0'.repeat(16) })).parentSpanId).toBe('');
  });

  it('keeps a parent id that points outside the request', () => {
    expect(normalizeOne(span({ parentSpanId: sid(99) })).parentSpanId).toBe(sid(99));
  });
});
