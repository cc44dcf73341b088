import { afterEach, describe, expect, it } from 'vitest';
import { DriftwatchServer } from '../support/driftwatch-server.js';
import { otlpJson, otlpProtobuf, simpleSpan, type SimpleSpan } from '../support/otlp-payloads.js';

const servers: DriftwatchServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop('SIGKILL');
});

async function send(server: DriftwatchServer, spans: SimpleSpan[]): Promise<Response> {
  return server.fetch('/v1/traces', {
    method: 'POST',
    body: otlpProtobuf(spans),
    headers: { 'content-type': 'application/x-protobuf' },
  });
}

async function storedSpanIds(server: DriftwatchServer, traceIds: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const traceId of traceIds) {
    const response = await server.fetch(`/api/traces/${traceId}`);
    if (response.status === 200) {
      const trace = (await response.json()) as { spans: Array<{ spanId: string }> };
      ids.push(...trace.spans.map((s) => s.spanId));
    }
  }
  return ids.sort();
}

describe('durability', () => {
  it('keeps every acknowledged span across SIGKILL and restart', async () => {
    const server = await DriftwatchServer.start();
    servers.push(server);
    const acked: SimpleSpan[] = [];
    // Several concurrent exports (one trace of 50 spans each); killed the moment the last 200 arrives.
    const batches = Array.from({ length: 8 }, () => {
      const traceId = simpleSpan().traceId;
      return Array.from({ length: 50 }, () => simpleSpan({ traceId }));
    });
    const responses = await Promise.all(batches.map((b) => send(server, b)));
    responses.forEach((r, i) => r.status === 200 && acked.push(...batches[i]!));
    expect(await server.stop('SIGKILL')).toBeNull();
    expect(acked).toHaveLength(400);

    await server.launch();
    const stored = await storedSpanIds(server, [...new Set(acked.map((s) => s.traceId))]);
    expect(stored).toEqual(acked.map((s) => s.spanId).sort());
  });

  it('flushes and exits 0 on SIGTERM; a second start sees the data and keeps the key', async () => {
    const server = await DriftwatchServer.start();
    servers.push(server);
    const span = simpleSpan();
    expect((await send(server, [span])).status).toBe(200);
    expect(await server.stop('SIGTERM')).toBe(0);
    await server.launch();
    expect(await storedSpanIds(server, [span.traceId])).toEqual([span.spanId]);
  });

  it('shows a span once when a client retries the same export', async () => {
    const server = await DriftwatchServer.start();
    servers.push(server);
    const spans = [simpleSpan(), simpleSpan()];
    spans[1]!.traceId = spans[0]!.traceId;
    for (let i = 0; i < 3; i++) expect((await send(server, spans)).status).toBe(200);
    const page = (await server.json('/api/traces')) as {
      items: Array<{ traceId: string; spanCount: number }>;
    };
    expect(page.items).toEqual([expect.objectContaining({ traceId: spans[0]!.traceId, spanCount: 2 })]);
  });
});

describe('overload', () => {
  it('pushes back with 429 and Retry-After when the queue is full, and accepts again afterwards', async () => {
    const server = await DriftwatchServer.start({
      env: { DRIFTWATCH_QUEUE_CAPACITY_SPANS: '100', DRIFTWATCH_BATCH_MAX_WAIT_MS: '300' },
    });
    servers.push(server);
    const batches = Array.from({ length: 12 }, () => Array.from({ length: 60 }, () => simpleSpan()));
    const responses = await Promise.all(batches.map((b) => send(server, b)));
    const statuses = responses.map((r) => r.status);
    expect(statuses).toContain(200);
    expect(statuses).toContain(429);
    const pushedBack = responses.find((r) => r.status === 429)!;
    expect(Number(pushedBack.headers.get('retry-after'))).toBeGreaterThan(0);
    // what was acknowledged is stored; what was pushed back is not half-stored
    const accepted = batches.filter((_, i) => statuses[i] === 200).flat();
    const refused = batches.filter((_, i) => statuses[i] === 429).flat();
    expect(
      await storedSpanIds(
        server,
        accepted.map((s) => s.traceId),
      ),
    ).toHaveLength(accepted.length);
    expect(
      await storedSpanIds(
        server,
        refused.slice(0, 20).map((s) => s.traceId),
      ),
    ).toEqual([]);
    const retry = await server.fetch('/v1/traces', {
      method: 'POST',
      body: otlpJson(batches[statuses.indexOf(429)]!),
      headers: { 'content-type': 'application/json' },
    });
    expect(retry.status).toBe(200);
  });
});
