// The real server started while Weaviate is unreachable (behind a local TCP relay that is not listening yet):
// ingest works, /readyz says why the embedder is not ready, and once Weaviate answers the server starts the index
// on its own, without a restart, and embeds the call that arrived during the outage.
import { randomBytes } from 'node:crypto';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { similarCallsSchema } from '@driftwatch/api-schema';
import { afterAll, describe, expect, it } from 'vitest';
import { DriftwatchServer } from '../support/driftwatch-server.js';
import { startFakeEmbeddings, type FakeEmbeddings } from '../support/fake-embeddings.js';
import { otlpJson, simpleSpan } from '../support/otlp-payloads.js';

const WEAVIATE_URL = new URL(process.env['WEAVIATE_URL'] ?? 'http://127.0.0.1:18080');
const GRPC_PORT = Number(process.env['WEAVIATE_GRPC_PORT'] ?? '50051');
const DIMENSIONS = 384;

/** Forwards a local port to one of Weaviate's; closed until open() (connections are refused meanwhile). */
class Relay {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;
  constructor(private readonly targetPort: number) {}

  /** Picks a free port and releases it, so the relay can be opened on it later. */
  async reserve(): Promise<void> {
    await this.open();
    await this.close();
  }

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = createConnection({ host: WEAVIATE_URL.hostname, port: this.targetPort });
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}

interface EmbedderCheck {
  ready: boolean;
  reason?: string;
  seenCalls?: number;
  embeddedCalls?: number;
}

async function embedderCheck(server: DriftwatchServer): Promise<{ status: number; embedder: EmbedderCheck }> {
  const response = await fetch(`${server.url}/readyz`);
  const body = (await response.json()) as { checks: { embedder: EmbedderCheck } };
  return { status: response.status, embedder: body.checks.embedder };
}

/** Polls until `check` passes; the timeout is a guard only. */
async function eventually<T>(probe: () => Promise<T>, check: (value: T) => boolean, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('embeddings when Weaviate is down at process start', () => {
  const http = new Relay(Number(WEAVIATE_URL.port));
  const grpc = new Relay(GRPC_PORT);
  let embeddings: FakeEmbeddings | null = null;
  let server: DriftwatchServer | null = null;

  afterAll(async () => {
    await server?.stop();
    await embeddings?.close();
    await http.close();
    await grpc.close();
  });

  it('starts the index once Weaviate answers, without a restart, and embeds what arrived meanwhile', async () => {
    const probe = await fetch(new URL('/v1/.well-known/ready', WEAVIATE_URL)).catch((e: unknown) => e);
    if (!(probe instanceof Response) || !probe.ok) {
      throw new Error(
        `No Weaviate server is ready at ${WEAVIATE_URL.origin}: run the tests with npm test (it starts one) or ` +
          'start scripts/engines/weaviate.sh and set WEAVIATE_URL and WEAVIATE_GRPC_PORT.',
      );
    }
    await http.reserve();
    await grpc.reserve();
    embeddings = await startFakeEmbeddings(DIMENSIONS);
    server = await DriftwatchServer.start({
      env: {
        DRIFTWATCH_EMBEDDINGS: 'remote',
        DRIFTWATCH_EMBEDDINGS_URL: embeddings.url,
        DRIFTWATCH_EMBEDDINGS_MODEL: 'fake-embed',
        DRIFTWATCH_EMBEDDINGS_DIMENSIONS: String(DIMENSIONS),
        DRIFTWATCH_WEAVIATE_URL: `http://127.0.0.1:${http.port}`,
        DRIFTWATCH_WEAVIATE_GRPC_PORT: String(grpc.port),
        DRIFTWATCH_SHUTDOWN_TIMEOUT_MS: '2000',
      },
    });

    const down = await eventually(
      () => embedderCheck(server!),
      (r) => r.embedder.reason?.includes('retrying') ?? false,
    );
    expect(down.status).toBe(200); // ingest and the API do not depend on embeddings
    expect(down.embedder.ready).toBe(false);
    expect(down.embedder.reason).toMatch(/vector index not started: .*\(retrying\)/);

    // A random question, so vectors left in the shared collection by earlier runs never tie with it.
    const span = simpleSpan({
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 20,
        'gen_ai.usage.output_tokens': 30,
        'gen_ai.input.messages': JSON.stringify([
          { role: 'user', parts: [{ type: 'text', content: `question ${randomBytes(8).toString('hex')}` }] },
        ]),
        'gen_ai.output.messages': JSON.stringify([
          { role: 'assistant', parts: [{ type: 'text', content: 'an answer' }] },
        ]),
      },
    });
    const sent = await server.fetch('/v1/traces', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: otlpJson([span]),
    });
    expect(sent.status).toBe(200);
    const path = `/api/traces/${span.traceId}/similar?spanId=${span.spanId}&field=request&k=5`;
    expect((await server.fetch(path)).status).toBe(503);

    await http.open();
    await grpc.open();
    const up = await eventually(
      () => embedderCheck(server!),
      (r) => r.embedder.ready && r.embedder.embeddedCalls === 1,
    );
    expect(up.embedder).toMatchObject({ ready: true, seenCalls: 1, embeddedCalls: 1 });
    expect(up.embedder.reason).toBeUndefined();
    const response = await server.fetch(path);
    expect(response.status).toBe(200);
    const similar = similarCallsSchema.parse(await response.json());
    expect(similar.matches[0]).toMatchObject({
      spanId: span.spanId,
      traceId: span.traceId,
      field: 'request',
    });
  }, 120_000);
});
