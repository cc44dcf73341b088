/**
 * Sessions and end users through the real server: traces sent by the OpenTelemetry SDK over OTLP, grouped by
 * session.id and user.id with totals (traces, errors, counted tokens, cost, duration), filtered, sorted, paged,
 * scoped by project, and refused in plain words when a parameter is wrong.
 */
import {
  endUserDetailSchema,
  endUserListSchema,
  sessionDetailSchema,
  sessionListSchema,
} from '@driftwatch/api-schema';
import { context, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriftwatchServer } from '../support/driftwatch-server.js';

/** gpt-4o-mini in the bundled genai-prices data, USD per token. */
const GPT_4O_MINI = { input: 0.15e-6, output: 0.6e-6 };

let server: DriftwatchServer;

function sdk(apiKey: string): { tracer: Tracer; shutdown: () => Promise<void> } {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'sessions-e2e' }),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({
          url: `${server.url}/v1/traces`,
          headers: { Authorization: `Bearer ${apiKey}` },
        }),
        scheduledDelayMillis: 60_000,
      }),
    ],
  });
  return { tracer: provider.getTracer('sessions-e2e'), shutdown: () => provider.shutdown() };
}

const text = (role: string, content: string) =>
  JSON.stringify([{ role, parts: [{ type: 'text', content }] }]);

/** One conversation turn: an agent span around one chat call (usage on both: only the call counts). */
function turn(
  tracer: Tracer,
  ids: { session: string; user: string },
  n: number,
  usage: { input: number; output: number } | null,
  failed = false,
): void {
  const root = tracer.startSpan(`turn ${n}`, {
    attributes: { 'session.id': ids.session, 'user.id': ids.user },
  });
  const callAttributes: Record<string, string | number> = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.input.messages': text('user', `question ${n}`),
    'gen_ai.output.messages': text('assistant', `answer ${n}`),
  };
  if (usage) {
    callAttributes['gen_ai.usage.input_tokens'] = usage.input;
    callAttributes['gen_ai.usage.output_tokens'] = usage.output;
  }
  if (usage) {
    const call = tracer.startSpan(
      'chat gpt-4o-mini',
      { attributes: callAttributes },
      trace.setSpan(context.active(), root),
    );
    if (failed) call.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited' });
    call.end();
  }
  root.end();
}

/** The SDK anchors each trace's clock on Date.now() (whole ms): turns a few ms apart keep their order. */
const tick = () => new Promise((r) => setTimeout(r, 5));

async function get<T>(schema: { parse(v: unknown): T }, path: string, key = server.apiKey): Promise<T> {
  return schema.parse(await server.json(path, key));
}

beforeAll(async () => {
  server = await DriftwatchServer.start();
  const main = sdk(server.apiKey);
  const alpha = { session: 'chat-alpha', user: 'ada' };
  turn(main.tracer, alpha, 1, { input: 10, output: 5 });
  await tick();
  turn(main.tracer, alpha, 2, { input: 20, output: 10 }, true);
  await tick();
  turn(main.tracer, alpha, 3, { input: 30, output: 15 });
  await tick();
  // A session whose only trace has no model call: tokens and cost unknown, not 0.
  turn(main.tracer, { session: 'chat-beta', user: 'bob' }, 1, null);
  await main.shutdown();
  // The same session id in another project must not mix in.
  const other = sdk(server.otherProjectKey);
  turn(other.tracer, alpha, 9, { input: 1000, output: 1000 });
  await other.shutdown();
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const page = await get(sessionListSchema, '/api/sessions');
    if (page.items.reduce((n, s) => n + s.traceCount, 0) === 4) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the traces did not become readable');
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe('GET /api/sessions', () => {
  it('lists each session with its totals, most recent first, counting each token once', async () => {
    const page = await get(sessionListSchema, '/api/sessions');
    expect(page).toMatchObject({ total: 2, totalCapped: false });
    const alpha = page.items.find((s) => s.sessionId === 'chat-alpha')!;
    expect(alpha).toMatchObject({
      userIds: ['ada'],
      traceCount: 3,
      errorCount: 1,
      llmCallCount: 3,
      inputTokens: 60,
      outputTokens: 30,
      usageEstimated: false,
    });
    expect(alpha.costUsd).toBeCloseTo(60 * GPT_4O_MINI.input + 30 * GPT_4O_MINI.output, 12);
    expect(alpha.durationMs).toBeGreaterThan(0);
    expect(Date.parse(alpha.lastSeen)).toBeGreaterThanOrEqual(Date.parse(alpha.firstSeen));
    const beta = page.items.find((s) => s.sessionId === 'chat-beta')!;
    expect(beta).toMatchObject({
      traceCount: 1,
      errorCount: 0,
      inputTokens: null,
      outputTokens: null,
      costUsd: null,
    });
    expect(page.items.map((s) => s.sessionId)).toEqual(['chat-beta', 'chat-alpha']);
  });

  it('filters by errors, id and user, sorts, and pages with a total', async () => {
    const failed = await get(sessionListSchema, '/api/sessions?hasErrors=true');
    expect(failed.items.map((s) => s.sessionId)).toEqual(['chat-alpha']);
    expect(failed.total).toBe(1);
    expect((await get(sessionListSchema, '/api/sessions?search=BET')).items.map((s) => s.sessionId)).toEqual([
      'chat-beta',
    ]);
    expect((await get(sessionListSchema, '/api/sessions?userId=ada')).items.map((s) => s.sessionId)).toEqual([
      'chat-alpha',
    ]);
    const byTraces = await get(sessionListSchema, '/api/sessions?sort=traceCount&order=desc&limit=1');
    expect(byTraces.items.map((s) => s.sessionId)).toEqual(['chat-alpha']);
    expect(byTraces.total).toBe(2);
    const second = await get(sessionListSchema, '/api/sessions?sort=traceCount&order=desc&limit=1&offset=1');
    expect(second.items.map((s) => s.sessionId)).toEqual(['chat-beta']);
    const past = await get(sessionListSchema, '/api/sessions?offset=5');
    expect(past).toMatchObject({ items: [], total: 2 });
  });

  it('says which parameter is wrong and what is allowed', async () => {
    const response = await server.fetch('/api/sessions?sort=bogus&limit=0');
    expect(response.status).toBe(400);
    const { message } = (await response.json()) as { message: string };
    expect(message).toContain('sort: must be one of lastSeen');
    expect(message).toContain('limit: must be at least 1');
    expect((await server.fetch('/api/sessions?color=red')).status).toBe(400);
  });
});

describe('GET /api/sessions/{id}', () => {
  it('gives the conversation in order, with the texts of each turn, paged', async () => {
    const detail = await get(sessionDetailSchema, '/api/sessions/chat-alpha');
    expect(detail.session).toMatchObject({ sessionId: 'chat-alpha', traceCount: 3, inputTokens: 60 });
    expect(detail.turnTotal).toBe(3);
    expect(detail.turns.map((t) => [t.name, t.userText, t.assistantText])).toEqual([
      ['turn 1', 'question 1', 'answer 1'],
      ['turn 2', 'question 2', 'answer 2'],
      ['turn 3', 'question 3', 'answer 3'],
    ]);
    expect(detail.turns.map((t) => t.status)).toEqual(['ok', 'error', 'ok']);
    expect(detail.turns[1]).toMatchObject({ inputTokens: 20, outputTokens: 10, userId: 'ada' });
    const last = await get(sessionDetailSchema, '/api/sessions/chat-alpha?limit=2&offset=2');
    expect(last.turns.map((t) => t.name)).toEqual(['turn 3']);
    expect(last).toMatchObject({ turnTotal: 3, offset: 2 });
  });

  it('keeps projects apart and answers 404 for a session it does not have', async () => {
    const other = await get(sessionDetailSchema, '/api/sessions/chat-alpha', server.otherProjectKey);
    expect(other.session).toMatchObject({ traceCount: 1, inputTokens: 1000 });
    expect(other.turns.map((t) => t.name)).toEqual(['turn 9']);
    const missing = await server.fetch('/api/sessions/no-such-session');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { message: string }).message).toContain('no traces of session');
  });
});

describe('end users', () => {
  it('lists users with their sessions, traces, tokens and cost', async () => {
    const page = await get(endUserListSchema, '/api/end-users?sort=totalTokens');
    expect(page.items.map((u) => u.userId)).toEqual(['ada', 'bob']);
    expect(page.items[0]).toMatchObject({ sessionCount: 1, traceCount: 3, inputTokens: 60, errorCount: 1 });
    expect(page.items[1]).toMatchObject({ sessionCount: 1, traceCount: 1, inputTokens: null, costUsd: null });
  });

  it('gives one user with their sessions', async () => {
    const ada = await get(endUserDetailSchema, '/api/end-users/ada');
    expect(ada.user).toMatchObject({ userId: 'ada', traceCount: 3, outputTokens: 30 });
    expect(ada.sessions.items.map((s) => s.sessionId)).toEqual(['chat-alpha']);
    expect((await server.fetch('/api/end-users/nobody')).status).toBe(404);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as { paths: object };
    for (const path of [
      '/api/sessions',
      '/api/sessions/{sessionId}',
      '/api/end-users',
      '/api/end-users/{userId}',
    ])
      expect(Object.keys(doc.paths)).toContain(path);
  });
});
