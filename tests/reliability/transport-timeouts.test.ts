import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs/minimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriftwatchServer } from '../support/driftwatch-server.js';
import { otlpProtobuf, simpleSpan } from '../support/otlp-payloads.js';
import { eventually, grpcExport, holdMidBody, postHead, RawClient } from './transport-clients.js';

const PROTO = { 'content-type': 'application/x-protobuf' };

async function exportStatus(server: DriftwatchServer): Promise<number> {
  const response = await server.fetch('/v1/traces', {
    method: 'POST',
    body: otlpProtobuf([simpleSpan()]),
    headers: PROTO,
  });
  await response.arrayBuffer();
  return response.status;
}

/** Sends `body` one byte every `everyMs` until the connection closes. */
function trickle(client: RawClient, everyMs: number): void {
  const timer = setInterval(() => (client.isClosed ? clearInterval(timer) : client.write('x')), everyMs);
  void client.closed.then(() => clearInterval(timer));
}

describe('HTTP and gRPC connection limits', () => {
  let server: DriftwatchServer;
  const MAX_CONNECTIONS = 100;

  beforeAll(async () => {
    server = await DriftwatchServer.start({
      env: {
        DRIFTWATCH_HEADERS_TIMEOUT_MS: '500',
        DRIFTWATCH_REQUEST_TIMEOUT_MS: '1500',
        DRIFTWATCH_KEEPALIVE_TIMEOUT_MS: '1000',
        DRIFTWATCH_MAX_CONNECTIONS: String(MAX_CONNECTIONS),
      },
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('answers 408 and closes the connection when a body arrives too slowly', async () => {
    const client = await RawClient.open(server.port);
    client.write(postHead({ key: server.apiKey, contentLength: 10_000 }));
    trickle(client, 100);
    await client.closed;
    expect(client.received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('cuts slow authenticated bodies off at the request timeout, giving their slots back', async () => {
    const slow: RawClient[] = [];
    for (let i = 0; i < 70; i++) {
      const client = await holdMidBody(server.port, server.apiKey);
      trickle(client, 200);
      slow.push(client);
    }
    await Promise.all(slow.map((c) => c.closed));
    // 64 were admitted and cut off with 408; the rest were refused 429 at once (and then cut off too).
    const statuses = slow.map((c) => c.finalStatus);
    expect(statuses.filter((s) => s === 408).length).toBe(64);
    expect(statuses.filter((s) => s === 429).length).toBe(6);
    expect(await exportStatus(server)).toBe(200);
  });

  it('does not let slow bodies without a key hold slots: they are answered 401 before the body is read', async () => {
    const slow: RawClient[] = [];
    try {
      for (let i = 0; i < 70; i++) {
        const client = await RawClient.open(server.port);
        client.write(postHead({ key: null, contentLength: 10_000 }));
        trickle(client, 200);
        slow.push(client);
      }
      await Promise.all(slow.map((c) => c.waitFor(/HTTP\/1\.1 401/)));
      // They are still sending; a legitimate export gets in all the same.
      expect(slow.filter((c) => !c.isClosed).length).toBeGreaterThan(0);
      expect(await exportStatus(server)).toBe(200);
    } finally {
      for (const client of slow) client.destroy();
    }
  });

  it('closes connections that never send a request, and refuses connections past the cap', async () => {
    const idle = await Promise.all(Array.from({ length: 300 }, () => RawClient.open(server.port)));
    await Promise.all(idle.map((c) => c.closed));
    const timedOut = idle.filter((c) => /^HTTP\/1\.1 408 /.test(c.received));
    const dropped = idle.filter((c) => c.received === '');
    expect(timedOut.length).toBeLessThanOrEqual(MAX_CONNECTIONS);
    expect(dropped.length).toBeGreaterThanOrEqual(300 - MAX_CONNECTIONS);
    expect(timedOut.length + dropped.length).toBe(300);
    expect(await exportStatus(server)).toBe(200);
  });

  it('closes idle keep-alive connections', async () => {
    const clients = await Promise.all(Array.from({ length: 50 }, () => RawClient.open(server.port)));
    for (const client of clients) client.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await Promise.all(clients.map((c) => c.closed));
    for (const client of clients) {
      expect(client.received).toMatch(/^HTTP\/1\.1 200 /);
      expect(client.received).toMatch(/keep-alive/i);
    }
  });

  it('closes idle gRPC connections (max connection idle)', async () => {
    const client = new grpc.Client(`127.0.0.1:${server.grpcPort}`, grpc.credentials.createInsecure());
    try {
      expect(await grpcExport(client, otlpProtobuf([simpleSpan()]), server.apiKey).done).toBeNull();
      const channel = client.getChannel();
      expect(channel.getConnectivityState(false)).toBe(grpc.connectivityState.READY);
      await eventually(
        'the server closed the idle connection',
        async () => channel.getConnectivityState(false) !== grpc.connectivityState.READY,
      );
    } finally {
      client.close();
    }
  });
});

/** RetryInfo.retry_delay.seconds from a google.rpc.Status (grpc-status-details-bin). */
function retryDelaySeconds(status: Buffer): number | undefined {
  const outer = protobuf.Reader.create(status);
  while (outer.pos < outer.len) {
    const tag = outer.uint32();
    if (tag >>> 3 !== 3) {
      outer.skipType(tag & 7);
      continue;
    }
    const any = protobuf.Reader.create(outer.bytes());
    let value: Uint8Array | undefined;
    while (any.pos < any.len) {
      const t = any.uint32();
      if (t >>> 3 === 2) value = any.bytes();
      else any.skipType(t & 7);
    }
    const retryInfo = protobuf.Reader.create(value!);
    retryInfo.uint32();
    const duration = protobuf.Reader.create(retryInfo.bytes());
    duration.uint32();
    return Number(duration.int64());
  }
  return undefined;
}

describe('export deadline', () => {
  let server: DriftwatchServer;

  beforeAll(async () => {
    // Spans wait up to a second for their batch; the export deadline is shorter.
    server = await DriftwatchServer.start({
      env: { DRIFTWATCH_EXPORT_TIMEOUT_MS: '50', DRIFTWATCH_BATCH_MAX_WAIT_MS: '1000' },
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('tells HTTP and gRPC clients to retry when spans are not stored in time, and still stores them', async () => {
    const httpSpan = simpleSpan();
    const response = await server.fetch('/v1/traces', {
      method: 'POST',
      body: otlpProtobuf([httpSpan]),
      headers: PROTO,
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');

    const client = new grpc.Client(`127.0.0.1:${server.grpcPort}`, grpc.credentials.createInsecure());
    const grpcSpan = simpleSpan();
    try {
      const error = await grpcExport(client, otlpProtobuf([grpcSpan]), server.apiKey).done;
      expect(error?.code).toBe(grpc.status.UNAVAILABLE);
      const details = error?.metadata.get('grpc-status-details-bin')[0];
      expect(retryDelaySeconds(details as Buffer)).toBe(1);
    } finally {
      client.close();
    }
    // The work went on: what the client will retry is stored once.
    for (const span of [httpSpan, grpcSpan]) {
      await eventually(
        'span stored',
        async () => (await server.fetch(`/api/traces/${span.traceId}`)).status === 200,
      );
    }
  });
});
