import { describe, expect, it } from 'vitest';
import { decodeLogsRequestJson } from './decode-logs-request.js';
import { decodeTraceRequestJson } from './decode-trace-request.js';

/** What a JSON exporter writes when it cuts text mid-emoji: the high half alone, as the escape "\ud83d". */
const CUT = 'cut \ud83d';
const LOW = '\udc00 tail';
const FIXED = 'cut \uFFFD';

const isWellFormed = (s: string) => (s as unknown as { isWellFormed(): boolean }).isWellFormed();
/** Every string of the value, object keys included. */
const strings = (value: unknown): string[] => {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => [key, ...strings(item)]);
};

const kv = (key: string, value: unknown) => ({ key, value });

describe('OTLP/JSON strings with lone surrogates are decoded with U+FFFD in their place', () => {
  const body = JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [kv('service.name', { stringValue: CUT }), kv(CUT, { stringValue: 'x' })] },
        scopeSpans: [
          {
            scope: { name: CUT, version: LOW },
            spans: [
              {
                traceId: 'ab'.repeat(16),
                spanId: 'cd'.repeat(8),
                name: CUT,
                startTimeUnixNano: '1700000000000000000',
                endTimeUnixNano: '1700000000000000001',
                attributes: [
                  kv('user.id', { stringValue: CUT }),
                  kv('gen_ai.request.model', { stringValue: LOW }),
                  kv(`key ${CUT}`, { stringValue: 'x' }),
                  kv('list', { arrayValue: { values: [{ stringValue: CUT }] } }),
                  kv('map', { kvlistValue: { values: [kv(CUT, { stringValue: LOW })] } }),
                  kv('emoji', { stringValue: 'ok \ud83d\ude00' }),
                ],
                events: [{ name: CUT, timeUnixNano: '1', attributes: [kv('e', { stringValue: CUT })] }],
                links: [
                  {
                    traceId: 'ab'.repeat(16),
                    spanId: 'ef'.repeat(8),
                    attributes: [kv('l', { stringValue: CUT })],
                  },
                ],
                status: { code: 2, message: CUT },
              },
            ],
          },
        ],
      },
    ],
  });

  it('the body really carries the escapes (as the exporter sends them)', () => {
    expect(body).toContain('"cut \\ud83d"');
    expect(body).toContain('"\\udc00 tail"');
  });

  const decoded = decodeTraceRequestJson(body);
  const resourceSpans = decoded.resourceSpans[0];
  const span = resourceSpans?.scopeSpans[0]?.spans[0];

  it('in every string: names, messages, scope, attribute keys and values at any depth, events, links', () => {
    expect(span?.name).toBe(FIXED);
    expect(span?.status.message).toBe(FIXED);
    expect(resourceSpans?.scopeSpans[0]?.scope).toEqual({ name: FIXED, version: '\uFFFD tail' });
    expect(resourceSpans?.resource).toEqual({ 'service.name': FIXED, [FIXED]: 'x' });
    expect(span?.attributes).toEqual({
      'user.id': FIXED,
      'gen_ai.request.model': '\uFFFD tail',
      [`key ${FIXED}`]: 'x',
      list: [FIXED],
      map: { [FIXED]: '\uFFFD tail' },
      emoji: 'ok \u{1F600}',
    });
    expect(span?.events[0]).toMatchObject({ name: FIXED, attributes: { e: FIXED } });
    expect(span?.links[0]?.attributes).toEqual({ l: FIXED });
    expect(strings(decoded).every(isWellFormed)).toBe(true);
  });

  it('in ids, which then fail the normalizer as non-hex rather than carry the surrogate on', () => {
    const request = JSON.stringify({
      resourceSpans: [{ scopeSpans: [{ spans: [{ spanId: 'ab\ud83d' }] }] }],
    });
    expect(decodeTraceRequestJson(request).resourceSpans[0]?.scopeSpans[0]?.spans[0]?.spanId).toBe(
      'ab\uFFFD',
    );
  });

  it('in log records: body, event name, severity text and attributes', () => {
    const logs = decodeLogsRequestJson(
      JSON.stringify({
        resourceLogs: [
          {
            scopeLogs: [
              {
                logRecords: [
                  {
                    eventName: CUT,
                    severityText: CUT,
                    body: { kvlistValue: { values: [kv('content', { stringValue: CUT })] } },
                    attributes: [kv('event.name', { stringValue: CUT })],
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    const record = logs.resourceLogs[0]?.scopeLogs[0]?.logRecords[0];
    expect(record).toMatchObject({
      eventName: FIXED,
      severityText: FIXED,
      body: { content: FIXED },
      attributes: { 'event.name': FIXED },
    });
    expect(strings(logs).every(isWellFormed)).toBe(true);
  });
});
