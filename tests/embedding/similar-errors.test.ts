import { similarCallsSchema } from '@driftwatch/api-schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriftwatchServer } from '../support/driftwatch-server.js';
import { startFakeEmbeddings, type FakeEmbeddings } from '../support/fake-embeddings.js';
import { otlpJson, simpleSpan, type SimpleSpan } from '../support/otlp-payloads.js';

const DIMENSIONS = 384;

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
  let embeddings: FakeEmbeddings;
  const span = chatSpan('Where is my parcel?', 'It left the warehouse this morning.');
  const path = `/api/traces/${span.traceId}/similar?spanId=${span.spanId}&field=request`;

  beforeAll(async () => {
    embeddings = await startFakeEmbeddings(DIMENSIONS);
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
