import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriftwatchServer } from '../support/driftwatch-server.js';
import { otlpJson, simpleSpan, type SimpleSpan } from '../support/otlp-payloads.js';

interface Point {
  bucketStart: string;
  group: string | null;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}
interface Summary {
  totals: Point[];
  buckets: Point[];
}

const MODELS = 1_000;
const OTHER = '(other)';
const model = (i: number) => `model-${String(i).padStart(4, '0')}`;
/** model-0000..0029 get more calls than the rest (31, 30, ... 2), so the top of the list is known. */
const callsOf = (i: number) => (i < 30 ? 31 - i : 1);
const inputTokensOf = (i: number) => 10 + (i % 17);

let server: DriftwatchServer;
const now = Date.now();
const range = `from=${now - 3_600_000}&to=${now + 60_000}`;

function llmSpans(): SimpleSpan[] {
  const spans: SimpleSpan[] = [];
  const startNs = BigInt(now - 600_000) * 1_000_000n;
  for (let i = 0; i < MODELS; i++) {
    for (let c = 0; c < callsOf(i); c++) {
      spans.push(
        simpleSpan({
          name: `chat ${model(i)}`,
          startNs: startNs + BigInt(c) * 1_000_000_000n,
          endNs: startNs + BigInt(c) * 1_000_000_000n + 20_000_000n,
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': 'openai',
            'gen_ai.request.model': model(i),
            'gen_ai.usage.input_tokens': inputTokensOf(i),
            'gen_ai.usage.output_tokens': 3,
          },
        }),
      );
    }
  }
  return spans;
}

beforeAll(async () => {
  server = await DriftwatchServer.start();
  const spans = llmSpans();
  for (let i = 0; i < spans.length; i += 1_000) {
    const response = await server.fetch('/v1/traces', {
      method: 'POST',
      body: otlpJson(spans.slice(i, i + 1_000)),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(200);
  }
});
afterAll(async () => {
  await server?.stop();
});

const sum = (points: Point[], pick: (p: Point) => number) => points.reduce((n, p) => n + pick(p), 0);

describe('metrics group-by is bounded', () => {
  it('returns the 10 busiest models plus "(other)", whose totals are exactly the rest', async () => {
    const whole = await server.json<Summary>(`/api/metrics/summary?${range}`);
    const grouped = await server.json<Summary>(`/api/metrics/summary?${range}&groupBy=model`);
    const expectedRequests = Array.from({ length: MODELS }, (_, i) => callsOf(i)).reduce((a, b) => a + b);
    expect(whole.totals[0]!.requests).toBe(expectedRequests);

    expect(grouped.totals).toHaveLength(11);
    const top = grouped.totals.filter((p) => p.group !== OTHER);
    expect(top.map((p) => p.group).sort()).toEqual(Array.from({ length: 10 }, (_, i) => model(i)));
    const other = grouped.totals.find((p) => p.group === OTHER)!;
    let otherRequests = 0;
    let otherInput = 0;
    for (let i = 10; i < MODELS; i++) {
      otherRequests += callsOf(i);
      otherInput += callsOf(i) * inputTokensOf(i);
    }
    expect(other.requests).toBe(otherRequests);
    expect(other.inputTokens).toBe(otherInput);
    for (const pick of [
      (p: Point) => p.requests,
      (p: Point) => p.inputTokens,
      (p: Point) => p.outputTokens,
    ]) {
      expect(sum(grouped.totals, pick)).toBe(pick(whole.totals[0]!));
      expect(sum(grouped.buckets, pick)).toBe(pick(whole.totals[0]!));
    }
    expect(sum(grouped.totals, (p) => p.costUsd)).toBeCloseTo(whole.totals[0]!.costUsd, 9);
    expect(new Set(grouped.buckets.map((p) => p.group)).size).toBe(11);
    expect(
      sum(
        grouped.buckets.filter((p) => p.group === OTHER),
        (p) => p.requests,
      ),
    ).toBe(otherRequests);
  });

  it('keeps `series` groups apart (up to 100) and bounds buckets x series', async () => {
    const fifty = await server.json<Summary>(`/api/metrics/summary?${range}&groupBy=model&series=50`);
    expect(fifty.totals).toHaveLength(51);
    expect(fifty.totals.find((p) => p.group === OTHER)!.requests).toBe(MODELS - 50);

    // 60 s buckets over a day for 1,000 models was 1.4 million points; now 1,440 x 11.
    const day = `from=${now - 86_400_000}&to=${now}`;
    const fine = await server.json<Summary>(`/api/metrics/summary?${day}&groupBy=model&bucketSeconds=60`);
    expect(new Set(fine.buckets.map((p) => p.group)).size).toBe(11);
    expect(fine.buckets.length).toBeLessThanOrEqual(1_441 * 11);

    const tooFine = await server.fetch(
      `/api/metrics/summary?${day}&groupBy=model&series=100&bucketSeconds=60`,
    );
    expect(tooFine.status).toBe(400);
    expect(((await tooFine.json()) as { message: string }).message).toMatch(
      /bucketSeconds: .*bucketSeconds >= 437, a shorter range, or fewer series/,
    );

    // Left to the server, the bucket is coarsened to fit.
    const auto = await server.json<Summary>(`/api/metrics/summary?from=0&to=${now}&groupBy=model&series=100`);
    expect(new Set(auto.buckets.map((p) => p.group)).size).toBe(101);
    expect(auto.buckets.length).toBeLessThanOrEqual(20_000 + 101);
  });
});

/** A cursor as the API encodes them, holding any sort value. */
const cursor = (value: string) => Buffer.from(JSON.stringify([value, 'ab'])).toString('base64url');

describe('out-of-range numbers in query parameters are 400s naming the field', () => {
  const cases: Array<[string, string]> = [
    ['/api/traces?minDurationMs=1e300', 'minDurationMs'],
    ['/api/traces?minDurationMs=-1', 'minDurationMs'],
    ['/api/traces?minDurationMs=1000000000001', 'minDurationMs'],
    ['/api/traces?minDurationMs=Infinity', 'minDurationMs'],
    ['/api/traces?to=99999999999999999', 'to'],
    ['/api/traces?from=99999999999999999', 'from'],
    ['/api/traces?from=1e300', 'from'],
    ['/api/traces?from=1600-01-01T00:00:00Z', 'from'],
    ['/api/traces?limit=1.5', 'limit'],
    ['/api/traces?limit=1e5', 'limit'],
    ['/api/traces?limit=0', 'limit'],
    ['/api/traces?cursor=1e5', 'cursor'],
    ['/api/traces?cursor=1.5', 'cursor'],
    [`/api/traces?cursor=${cursor('1e5')}`, 'cursor'],
    [`/api/traces?cursor=${cursor('1.5')}`, 'cursor'],
    [`/api/traces?cursor=${cursor('99999999999999999999')}`, 'cursor'],
    [`/api/traces?sort=costUsd&cursor=${cursor('1e400')}`, 'cursor'],
    ['/api/metrics/summary?to=99999999999999999', 'to'],
    ['/api/metrics/summary?from=1e300', 'from'],
    ['/api/metrics/summary?bucketSeconds=1.5', 'bucketSeconds'],
    ['/api/metrics/summary?bucketSeconds=0', 'bucketSeconds'],
    ['/api/metrics/summary?bucketSeconds=1e300', 'bucketSeconds'],
    ['/api/metrics/summary?bucketSeconds=1', 'bucketSeconds'],
    ['/api/metrics/summary?groupBy=model&series=101', 'series'],
    ['/api/metrics/summary?groupBy=model&series=0', 'series'],
    ['/api/metrics/summary?groupBy=model&series=2.5', 'series'],
  ];

  it.each(cases)('%s', async (path, field) => {
    const response = await server.fetch(path);
    const body = (await response.json()) as { message: string };
    expect(response.status, body.message).toBe(400);
    expect(body.message).toMatch(new RegExp(`\\b${field}\\b`));
  });

  it('still answers the largest valid values', async () => {
    const valid = [
      '/api/traces?minDurationMs=1000000000000',
      '/api/traces?minDurationMs=0.000001',
      `/api/traces?from=0&to=${9_223_372_036_854}&limit=500`,
      `/api/traces?sort=durationMs&cursor=${cursor('9223372036854775807')}`,
      `/api/metrics/summary?from=${now - 86_400_000}&to=${now}&bucketSeconds=60`,
    ];
    for (const path of valid) expect((await server.fetch(path)).status, path).toBe(200);
  });
});
