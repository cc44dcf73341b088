import { createServer, type Server } from 'node:http';
import { similarCallsSchema } from '@driftwatch/api-schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriftwatchServer } from '../support/driftwatch-server.js';
import { otlpJson, simpleSpan, type SimpleSpan } from '../support/otlp-payloads.js';

const DIMENSIONS = 384;

/** How the fake embeddings endpoint answers now. */
type Mode = 'ok' | 'down' | 'refuse';

/** A local OpenAI-compatible /v1/embeddings whose answer the test switches: vectors, 500 or 400. */
async function fakeEmbeddings(): Promise<{ url: string; setMode(mode: Mode): void; close(): Promise<void> }> {
  let mode: Mode = 'ok';
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      response.setHeader('content-type', 'application/json');
      if (mode === 'down') {
        response.statusCode = 500;
        response.end(JSON.stringify({ error: { message: 'the model server is restarting' } }));
        return;
      }
      if (mode === 'refuse') {
        response.statusCode = 400;
        response.end(JSON.stringify({ error: { message: 'this input is not allowed by policy' } }));
        return;
      }
      const { input } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { input: string[] };
      const data = input.map((text, index) => {
        const embedding = new Array<number>(DIMENSIONS).fill(0);
        embedding[text.length % DIMENSIONS] = 1;
        return { object: 'embedding', index, embedding };
      });
      response.end(JSON.stringify({ object: 'list', data, model: 'fake-embed' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    setMode: (next) => (mode = next),
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

function chatSpan(question: string, answer: string): SimpleSpan {
  return simpleSpan({
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': 20,
      'gen_ai.usage.output_tokens': 30,
      'gen_ai.input.messages': JSON.stringify([
        { role: 'user', parts: [{ type: 'text', content: question }] },
      ]),
      'gen_ai.output.messages': JSON.stringify([
        { role: 'assistant', parts: [{ type: 'text', content: answer }] },
      ]),
    },
  });
}

describe('GET /api/traces/{id}/similar when the embedder fails', () => {
  let server: DriftwatchServer;
  let embeddings: Awaited<ReturnType<typeof fakeEmbeddings>>;
  const span = chatSpan('Where is my parcel?', 'It left the warehouse this morning.');
  const path = `/api/traces/${span.traceId}/similar?spanId=${span.spanId}&field=request`;

  beforeAll(async () => {
    embeddings = await fakeEmbeddings();
    server = await DriftwatchServer.start({
      env: {
        DRIFTWATCH_EMBEDDINGS: 'remote',
        DRIFTWATCH_EMBEDDINGS_URL: embeddings.url,
        DRIFTWATCH_EMBEDDINGS_MODEL: 'fake-embed',
        DRIFTWATCH_EMBEDDINGS_DIMENSIONS: String(DIMENSIONS),
        DRIFTWATCH_SHUTDOWN_TIMEOUT_MS: '2000',
      },
    });
    const sent = await server.fetch('/v1/traces', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: otlpJson([span]),
    });
    expect(sent.status).toBe(200);
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
    await embeddings?.close();
  });

  it('answers 200 while the embedder works', async () => {
    const response = await server.fetch(path);
    expect(response.status).toBe(200);
    expect(similarCallsSchema.parse(await response.json()).embeddingModel).toBe('fake-embed');
  });

  it('answers 503 with Retry-After while the embedder fails retryably (5xx)', async () => {
    embeddings.setMode('down');
    const response = await server.fetch(path);
    expect(response.status).toBe(503);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await response.json()) as { message: string };
    expect(body.message).toContain('similar calls are not available now');
    expect(body.message).toContain('the model server is restarting');
  }, 60_000);

  it('answers 422 saying why when the embedder refuses the text for good', async () => {
    embeddings.setMode('refuse');
    const response = await server.fetch(path);
    expect(response.status).toBe(422);
    expect(response.headers.get('retry-after')).toBeNull();
    const body = (await response.json()) as { message: string };
    expect(body.message).toContain('this input is not allowed by policy');
    embeddings.setMode('ok');
    expect((await server.fetch(path)).status).toBe(200);
  });
});
