import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { similarCallsSchema } from '@driftwatch/api-schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriftwatchServer } from '../support/driftwatch-server.js';
import { eventually } from '../support/eventually.js';
import { hexId, otlpJson, simpleSpan, type SimpleSpan } from '../support/otlp-payloads.js';

/** One OTel GenAI chat span with a question and an answer. */
function chatSpan(question: string, answer: string): SimpleSpan {
  return simpleSpan({
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': 20,
      'gen_ai.usage.output_tokens': 30,
      'gen_ai.input.messages': JSON.stringify([
        { role: 'system', parts: [{ type: 'text', content: 'You are a support assistant.' }] },
        { role: 'user', parts: [{ type: 'text', content: question }] },
      ]),
      'gen_ai.output.messages': JSON.stringify([
        { role: 'assistant', parts: [{ type: 'text', content: answer }] },
      ]),
    },
  });
}

async function send(server: DriftwatchServer, spans: SimpleSpan[]): Promise<Response> {
  return server.fetch('/v1/traces', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: otlpJson(spans),
  });
}

async function similar(server: DriftwatchServer, span: SimpleSpan, field: 'request' | 'response') {
  const path = `/api/traces/${span.traceId}/similar?spanId=${span.spanId}&field=${field}&k=10`;
  return similarCallsSchema.parse(await server.json(path));
}

interface EmbedderCheck {
  ready: boolean;
  reason?: string;
  seenCalls?: number;
  embeddedCalls?: number;
  queued?: number;
}

async function embedderCheck(server: DriftwatchServer): Promise<{ status: number; embedder: EmbedderCheck }> {
  const response = await fetch(`${server.url}/readyz`);
  const body = (await response.json()) as { checks: { embedder: EmbedderCheck } };
  return { status: response.status, embedder: body.checks.embedder };
}

describe('embedding stage with the local model', () => {
  let server: DriftwatchServer;
  const password = chatSpan(
    'How do I reset my password?',
    'Open Settings, then Security, then Reset password.',
  );
  const password2 = chatSpan('I forgot my password, how can I change it?', 'Use the Reset password link.');
  const refund = chatSpan('Can I get a refund for my order?', 'Refunds are issued within 14 days.');

  beforeAll(async () => {
    server = await DriftwatchServer.start({
      env: { DRIFTWATCH_EMBEDDINGS: 'local', DRIFTWATCH_SHUTDOWN_TIMEOUT_MS: '5000' },
    });
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('stores request and response of each call as separate vectors, a redelivered call once', async () => {
    expect((await send(server, [password, password2, refund])).status).toBe(200);
    expect((await send(server, [password])).status).toBe(200); // the exporter's retry: the same span again

    const byRequest = await eventually(
      () => similar(server, password, 'request'),
      (r) => r.matches.length >= 3,
      30_000,
    );
    expect(byRequest.embeddingModel).toBe('sentence-transformers/all-MiniLM-L6-v2');
    const ids = byRequest.matches.map((m) => m.spanId);
    expect(ids).toHaveLength(3); // three calls, the redelivered one once
    expect(new Set(ids)).toEqual(new Set([password.spanId, password2.spanId, refund.spanId]));
    expect(byRequest.matches[0]).toMatchObject({
      spanId: password.spanId,
      traceId: password.traceId,
      field: 'request',
    });
    expect(byRequest.matches[0]?.distance).toBeLessThan(0.01);
    expect(ids.indexOf(password2.spanId)).toBeLessThan(ids.indexOf(refund.spanId));
    expect(byRequest.matches.every((m) => m.field === 'request' && m.model === 'gpt-4o-mini')).toBe(true);

    const byResponse = await similar(server, refund, 'response');
    expect(byResponse.matches.map((m) => m.spanId).sort()).toEqual(
      [password.spanId, password2.spanId, refund.spanId].sort(),
    );
    expect(byResponse.matches[0]).toMatchObject({ spanId: refund.spanId, field: 'response' });
    expect(byResponse.matches[0]?.distance).toBeLessThan(0.01);

    const { status, embedder } = await embedderCheck(server);
    expect(status).toBe(200);
    expect(embedder).toMatchObject({ ready: true, seenCalls: 4, embeddedCalls: 4 });
  }, 60_000);

  it('answers 404 for a span that is not there and 400 for a bad span id', async () => {
    const missing = await server.fetch(`/api/traces/${hexId(16)}/similar?spanId=${hexId(8)}`);
    expect(missing.status).toBe(404);
    const bad = await server.fetch(`/api/traces/${password.traceId}/similar?spanId=xyz`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/span id is 16 hexadecimal characters/);
  });
});

describe('ingest without a working embedder', () => {
  it('starts without the model, says why once and keeps ingest ready', async () => {
    const emptyDir = mkdtempSync(join(tmpdir(), 'driftwatch-no-model-'));
    const server = await DriftwatchServer.start({
      env: { DRIFTWATCH_EMBEDDINGS: 'local', DRIFTWATCH_EMBEDDING_MODEL_DIR: emptyDir },
    });
    try {
      const span = chatSpan('What are your opening hours?', 'Nine to five.');
      expect((await send(server, [span])).status).toBe(200);
      const { status, embedder } = await embedderCheck(server);
      expect(status).toBe(200);
      expect(embedder.ready).toBe(false);
      expect(embedder.reason).toContain(emptyDir);
      const lines = server.output
        .join('')
        .split('\n')
        .filter((l) => l.includes('ingest goes on without embeddings'));
      expect(lines).toHaveLength(1);
      const trace = await server.json<{ spans: unknown[] }>(`/api/traces/${span.traceId}`);
      expect(trace.spans).toHaveLength(1);
      const similarResponse = await server.fetch(`/api/traces/${span.traceId}/similar?spanId=${span.spanId}`);
      expect(similarResponse.status).toBe(503);
    } finally {
      await server.stop();
    }
  }, 90_000);

  it('answers 200 while a remote embedder does not answer, with the calls waiting in the stage', async () => {
    const held: Array<() => void> = [];
    let embedRequests = 0;
    const fake: Server = createServer((request, response) => {
      embedRequests++;
      request.resume();
      held.push(() => response.destroy()); // never answers until the test ends
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    const address = fake.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const server = await DriftwatchServer.start({
      env: {
        DRIFTWATCH_EMBEDDINGS: 'remote',
        DRIFTWATCH_EMBEDDINGS_URL: `http://127.0.0.1:${port}/v1`,
        DRIFTWATCH_EMBEDDINGS_MODEL: 'text-embedding-3-small',
        DRIFTWATCH_EMBEDDINGS_DIMENSIONS: '384',
        DRIFTWATCH_SHUTDOWN_TIMEOUT_MS: '2000',
      },
    });
    try {
      for (let i = 0; i < 5; i++) {
        const response = await send(server, [chatSpan(`question ${i}`, `answer ${i}`)]);
        expect(response.status).toBe(200);
      }
      const { embedder } = await eventually(
        () => embedderCheck(server),
        (r) => r.embedder.seenCalls === 5 && embedRequests > 0,
        30_000,
      );
      expect(embedder).toMatchObject({ ready: true, seenCalls: 5, embeddedCalls: 0 });
      expect(embedRequests).toBeGreaterThan(0);
    } finally {
      await server.stop();
      for (const destroy of held) destroy();
      fake.closeAllConnections();
      await new Promise((r) => fake.close(r));
    }
  }, 90_000);
});
