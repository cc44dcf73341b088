import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriftwatchServer } from '../support/driftwatch-server.js';
import { otlpProtobuf, simpleSpan } from '../support/otlp-payloads.js';
import { eventually, grpcExport, holdMidBody, postHead, RawClient } from './transport-clients.js';

// Admission slots must come back however a request ends. Default timeouts (30 s) on purpose: every slot
// seen free again here was released by the request's own ending, not by a timeout.
const SLOTS = 64;

let server: DriftwatchServer;
let grpcClient: grpc.Client;

beforeAll(async () => {
  server = await DriftwatchServer.start({ env: { DRIFTWATCH_MAX_INFLIGHT_REQUESTS: String(SLOTS) } });
  grpcClient = new grpc.Client(`127.0.0.1:${server.grpcPort}`, grpc.credentials.createInsecure());
});
afterAll(async () => {
  grpcClient?.close();
  await server?.stop();
});

const PROTO = { 'content-type': 'application/x-protobuf' };

/** A valid one-span export over HTTP; its status, and the trace id to look for. */
async function httpExport(): Promise<{ status: number; retryAfter: string | null; traceId: string }> {
  const span = simpleSpan();
  const response = await server.fetch('/v1/traces', {
    method: 'POST',
    body: otlpProtobuf([span]),
    headers: PROTO,
  });
  await response.arrayBuffer();
  return { status: response.status, retryAfter: response.headers.get('retry-after'), traceId: span.traceId };
}

async function stored(traceId: string): Promise<boolean> {
  return (await server.fetch(`/api/traces/${traceId}`)).status === 200;
}

/**
 * Proves all SLOTS slots are free: SLOTS - 1 clients held mid-body plus one export get in, and with one
 * more holder in the last slot an export is refused with 429. Work of earlier requests may still be
 * finishing, so the check is repeated until it holds; a single leaked slot makes it fail every time.
 */
async function expectAllSlotsFree(): Promise<void> {
  await eventually('every slot free', async () => {
    const holders: RawClient[] = [];
    try {
      for (let i = 0; i < SLOTS - 1; i++) holders.push(await holdMidBody(server.port, server.apiKey));
      const inside = await httpExport();
      holders.push(await holdMidBody(server.port, server.apiKey));
      if (holders.some((h) => h.finalStatus !== undefined) || inside.status !== 200) return false;
      const refused = await httpExport();
      // Every holder admitted and one more export still let in would be a slot counted twice.
      expect(refused.status).toBe(429);
      expect(refused.retryAfter).toBe('1');
      return true;
    } finally {
      for (const holder of holders) holder.destroy();
    }
  });
  await eventually('slots free after the holders left', async () => (await httpExport()).status === 200);
}

describe('admission slots (HTTP and gRPC share them)', () => {
  it('come back when clients disconnect mid-body, with or without a key', async () => {
    const aborted: RawClient[] = [];
    for (let i = 0; i < 100; i++) aborted.push(await holdMidBody(server.port, i % 2 ? server.apiKey : null));
    const keyed = aborted.filter((_, i) => i % 2);
    // 50 keyed requests are mid-body; the unkeyed ones were answered 401 before their body was read.
    expect(keyed.every((c) => c.finalStatus === undefined)).toBe(true);
    await Promise.all(aborted.filter((_, i) => i % 2 === 0).map((c) => c.waitFor(/HTTP\/1\.1 401/)));
    for (const client of aborted) client.destroy();

    let traceId = '';
    await eventually('an export is accepted again', async () => {
      const result = await httpExport();
      traceId = result.traceId;
      return result.status === 200;
    });
    expect(await stored(traceId)).toBe(true);
    const viaGrpc = grpcExport(grpcClient, otlpProtobuf([simpleSpan()]), server.apiKey);
    expect(await viaGrpc.done).toBeNull();
    await expectAllSlotsFree();
  });

  it('come back when clients leave after sending a whole body, before the answer', async () => {
    const spans = Array.from({ length: 80 }, () => simpleSpan());
    await Promise.all(
      spans.map(async (span) => {
        const body = otlpProtobuf([span]);
        const client = await RawClient.open(server.port);
        client.write(postHead({ key: server.apiKey, contentLength: body.length }));
        client.write(body);
        client.destroy();
      }),
    );
    await expectAllSlotsFree();
  });

  it('come back when gRPC clients cancel their calls', async () => {
    const calls = Array.from({ length: 100 }, () =>
      grpcExport(grpcClient, otlpProtobuf([simpleSpan()]), server.apiKey),
    );
    for (const { call } of calls) call.cancel();
    const results = await Promise.all(calls.map((c) => c.done));
    expect(results.every((error) => error?.code === grpc.status.CANCELLED)).toBe(true);
    await expectAllSlotsFree();
  });

  it('come back when gRPC calls pass their deadline', async () => {
    const calls = Array.from({ length: 100 }, () =>
      grpcExport(grpcClient, otlpProtobuf([simpleSpan()]), server.apiKey, { deadline: Date.now() + 1 }),
    );
    const results = await Promise.all(calls.map((c) => c.done));
    expect(results.some((error) => error?.code === grpc.status.DEADLINE_EXCEEDED)).toBe(true);
    await expectAllSlotsFree();
  });

  it('are shared: HTTP clients holding every slot make gRPC answer UNAVAILABLE with RetryInfo', async () => {
    const holders: RawClient[] = [];
    try {
      for (let i = 0; i < SLOTS; i++) holders.push(await holdMidBody(server.port, server.apiKey));
      const refused = await grpcExport(grpcClient, otlpProtobuf([simpleSpan()]), server.apiKey).done;
      expect(refused?.code).toBe(grpc.status.UNAVAILABLE);
      expect(refused?.metadata.get('grpc-status-details-bin')).toHaveLength(1);
    } finally {
      for (const holder of holders) holder.destroy();
    }
    await eventually('gRPC accepted again', async () => {
      return (await grpcExport(grpcClient, otlpProtobuf([simpleSpan()]), server.apiKey).done) === null;
    });
  });
});

describe('shutdown deadline', () => {
  it('exits within DRIFTWATCH_SHUTDOWN_TIMEOUT_MS although a client holds a request open mid-body', async () => {
    const stopping = await DriftwatchServer.start({ env: { DRIFTWATCH_SHUTDOWN_TIMEOUT_MS: '2000' } });
    const holder = await holdMidBody(stopping.port, stopping.apiKey);
    const grpcHolder = new grpc.Client(`127.0.0.1:${stopping.grpcPort}`, grpc.credentials.createInsecure());
    try {
      expect(await grpcExport(grpcHolder, otlpProtobuf([simpleSpan()]), stopping.apiKey).done).toBeNull();
      // The request timeout (30 s) is far off: only the shutdown deadline can end this request.
      expect(await stopping.stop('SIGTERM')).toBe(0);
      await holder.closed;
    } finally {
      holder.destroy();
      grpcHolder.close();
      await stopping.stop('SIGKILL');
    }
  });
});
