// The real server started while Weaviate is unreachable (behind a local TCP relay that is not listening yet):
// ingest works, /readyz says why the embedder is not ready, and once Weaviate answers the server starts the index
// on its own, without a restart, and embeds the call that arrived during the outage.
import { randomBytes } from 'node:crypto';
import { similarCallsSchema } from '@driftwatch/api-schema';
import { afterAll, describe, expect, it } from 'vitest';
import { DriftwatchServer } from '../support/driftwatch-server.js';
import { eventually } from '../support/eventually.js';
import { startFakeEmbeddings, type FakeEmbeddings } from '../support/fake-embeddings.js';
import { otlpJson, simpleSpan } from '../support/otlp-payloads.js';
import { TcpRelay } from '../support/tcp-relay.js';

const WEAVIATE_URL = new URL(process.env['WEAVIATE_URL'] ?? 'http://127.0.0.1:18080');
const GRPC_PORT = Number(process.env['WEAVIATE_GRPC_PORT'] ?? '50051');
const DIMENSIONS = 384;

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

describe('embeddings when Weaviate is down at process start', () => {
  const http = new TcpRelay(WEAVIATE_URL.hostname, Number(WEAVIATE_URL.port));
  const grpc = new TcpRelay(WEAVIATE_URL.hostname, GRPC_PORT);
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
