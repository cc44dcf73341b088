/**
 * Tokens and cost end to end, through the real server: estimated usage of a streamed OpenInference call that
 * reports none, usage counted once when a BatchSpanProcessor exports a trace's spans in several requests, and
 * project price overrides. Spans come from real SDKs and instrumentations; assertions read only the REST API.
 */
import { traceDetailSchema, traceListPageSchema, metricsSummarySchema } from '@driftwatch/api-schema';
import { context, trace, type Span, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOpenInferenceOpenAI } from '../clients/index.ts';
import { DriftwatchServer } from '../support/driftwatch-server.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.ts';

type Trace = z.infer<typeof traceDetailSchema>;
const ADMIN_PASSWORD = 'admin-password-for-usage-tests';
/** gpt-4o-mini in the bundled genai-prices data, USD per token. */
const GPT_4O_MINI = { input: 0.15e-6, output: 0.6e-6 };

let server: DriftwatchServer;
let fake: FakeOpenAI;
let admin: string;

beforeAll(async () => {
  [server, fake] = await Promise.all([
    DriftwatchServer.start({ env: { DRIFTWATCH_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD } }),
    startFakeOpenAI(),
  ]);
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@localhost', password: ADMIN_PASSWORD }),
  });
  expect(login.status).toBe(200);
  admin = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
}, 120_000);
afterAll(async () => {
  await Promise.all([server?.stop(), fake?.close()]);
});

async function traceOf(traceId: string, key = server.apiKey): Promise<Trace> {
  return traceDetailSchema.parse(await server.json(`/api/traces/${traceId}`, key));
}

async function summaryOf(traceId: string, key = server.apiKey) {
  const page = traceListPageSchema.parse(await server.json('/api/traces?from=0&limit=500', key));
  const found = page.items.find((t) => t.traceId === traceId);
  if (!found) throw new Error(`trace ${traceId} not listed`);
  return found;
}

/** A real SDK pipeline: BatchSpanProcessor with a long timer, so only forceFlush() sends, one request each. */
function sdk(apiKey: string): { tracer: Tracer; flush: () => Promise<void>; shutdown: () => Promise<void> } {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'usage-e2e' }),
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
  return {
    tracer: provider.getTracer('usage-e2e'),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

function child(
  tracer: Tracer,
  parent: Span,
  name: string,
  attributes: Record<string, string | number>,
): Span {
  return tracer.startSpan(name, { attributes }, trace.setSpan(context.active(), parent));
}

const chatAttributes = (input: number, output: number) => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o-mini',
  'gen_ai.usage.input_tokens': input,
  'gen_ai.usage.output_tokens': output,
});

describe('a streamed OpenInference call without usage', () => {
  let traces: Trace[];

  beforeAll(async () => {
    const result = await runOpenInferenceOpenAI({
      otlpEndpoint: server.url,
      apiKey: server.apiKey,
      openaiBaseUrl: fake.baseUrl,
      userId: 'estimate-user',
      sessionId: 'estimate-session',
    });
    traces = await Promise.all(result.traceIds.map((id) => traceOf(id)));
  }, 120_000);

  it('gets tokens estimated from its messages, marked as estimated, and a cost', () => {
    const spans = traces.flatMap((t) => t.spans).filter((s) => s.llm?.operation === 'chat');
    const streamed = spans.filter((s) => s.llm?.usage.estimated);
    expect(streamed).toHaveLength(1);
    const llm = streamed[0]!.llm!;
    expect(llm.outputMessages.length).toBeGreaterThan(0);
    expect(llm.usage.inputTokens).toBeGreaterThan(10);
    expect(llm.usage.outputTokens).toBeGreaterThan(0);
    expect(llm.costUsd).toBeCloseTo(
      llm.usage.inputTokens! * GPT_4O_MINI.input + llm.usage.outputTokens! * GPT_4O_MINI.output,
      12,
    );
    // the calls that reported usage keep it
    for (const other of spans.filter((s) => !s.llm?.usage.estimated))
      expect(other.llm?.usage.inputTokens).toBeGreaterThan(0);
  });

  it('shows the estimate in the trace list, marked, instead of zero tokens and no cost', async () => {
    const traceId = traces.find((t) => t.spans.some((s) => s.llm?.usage.estimated))!.traceId;
    const summary = await summaryOf(traceId);
    expect(summary.usageEstimated).toBe(true);
    expect(summary.inputTokens).toBeGreaterThan(0);
    expect(summary.costUsd).toBeGreaterThan(0);
    const reported = traces.filter((t) =>
      t.spans.some((s) => s.llm?.operation === 'chat' && !s.llm.usage.estimated),
    );
    expect(reported).toHaveLength(2);
    for (const t of reported) expect((await summaryOf(t.traceId)).usageEstimated).toBe(false);
  });

  it('estimates the embeddings span too, which OpenInference sends without token counts', async () => {
    const embeddings = traces.flatMap((t) => t.spans).find((s) => s.llm?.operation === 'embeddings')!;
    // "drift detection", "token usage": plain texts, about 4 characters per token, no chat overhead
    expect(embeddings.llm?.usage).toMatchObject({ inputTokens: 7, outputTokens: null, estimated: true });
    expect(embeddings.llm?.costUsd).toBeCloseTo(7 * 0.02e-6, 14);
  });
});

describe('an agent trace exported in several requests', () => {
  /**
   * invoke_agent (repeats the sum) > [ChatOpenAI wrapper (repeats its inner call) > chat 35/12], chat 88/25.
   * `wrapperFirst` ends and exports the wrapper before its inner call (async code can do that).
   */
  async function exportAgent(wrapperFirst: boolean): Promise<string> {
    const { tracer, flush, shutdown } = sdk(server.otherProjectKey);
    const agent = tracer.startSpan('invoke_agent weather', {
      attributes: {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': 'weather',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 123,
        'gen_ai.usage.output_tokens': 37,
      },
    });
    const wrapper = child(tracer, agent, 'ChatOpenAI', chatAttributes(35, 12));
    const inner = child(tracer, wrapper, 'chat gpt-4o-mini', chatAttributes(35, 12));
    const [first, second] = wrapperFirst ? [wrapper, inner] : [inner, wrapper];
    first.end();
    await flush();
    second.end();
    await flush();
    child(tracer, agent, 'chat gpt-4o-mini', chatAttributes(88, 25)).end();
    await flush();
    agent.end();
    await shutdown();
    return agent.spanContext().traceId;
  }

  let traceIds: string[];
  beforeAll(async () => {
    traceIds = [await exportAgent(false), await exportAgent(true)];
  }, 60_000);

  it('counts each token once in the trace list: the sum of the leaf model calls', async () => {
    for (const traceId of traceIds) {
      const summary = await summaryOf(traceId, server.otherProjectKey);
      expect(summary).toMatchObject({ inputTokens: 123, outputTokens: 37, llmCallCount: 2, spanCount: 4 });
      expect(summary.costUsd).toBeCloseTo(123 * GPT_4O_MINI.input + 37 * GPT_4O_MINI.output, 12);
    }
  });

  it('marks the calls whose usage is in the totals in the trace detail', async () => {
    for (const traceId of traceIds) {
      const detail = await traceOf(traceId, server.otherProjectKey);
      const counted = detail.spans.filter((s) => s.llm?.usageCounted);
      expect(counted.map((s) => s.name).sort()).toEqual(['chat gpt-4o-mini', 'chat gpt-4o-mini']);
      expect(counted.reduce((n, s) => n + (s.llm?.usage.inputTokens ?? 0), 0)).toBe(123);
    }
  });

  it('gives the metrics the same totals', async () => {
    const metrics = metricsSummarySchema.parse(
      await server.json('/api/metrics/summary?from=0&bucketSeconds=2678400', server.otherProjectKey),
    );
    expect(metrics.totals).toHaveLength(1);
    expect(metrics.totals[0]).toMatchObject({ requests: 4, inputTokens: 2 * 123, outputTokens: 2 * 37 });
  });
});

describe('project price overrides', () => {
  const put = (body: unknown, cookie = admin, key: string | null = null) =>
    server.fetch(
      '/api/projects/default/prices',
      {
        method: 'PUT',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      },
      key,
    );

  async function exportCall(model: string, input: number, output: number): Promise<string> {
    const { tracer, shutdown } = sdk(server.apiKey);
    const span = tracer.startSpan(`chat ${model}`, {
      attributes: { ...chatAttributes(input, output), 'gen_ai.request.model': model },
    });
    span.end();
    await shutdown();
    return span.spanContext().traceId;
  }

  it('prices a custom model from the override set through the API; unknown models stay without cost', async () => {
    const unknown = await exportCall('ft:gpt-4o-mini:acme::e2e', 1000, 100);
    expect((await traceOf(unknown)).spans[0]?.llm?.costUsd).toBeNull();
    expect((await summaryOf(unknown)).costUsd).toBeNull();

    const items = [{ model: 'ft:gpt-4o-mini:acme::e2e', input: 3, output: 12 }];
    const stored = await put({ items });
    expect(stored.status).toBe(200);
    expect(await stored.json()).toEqual({ items: [{ provider: '', ...items[0] }] });
    expect(await server.json('/api/projects/default/prices')).toEqual({
      items: [{ provider: '', ...items[0] }],
    });

    const priced = await exportCall('ft:gpt-4o-mini:acme::e2e', 1000, 100);
    expect((await traceOf(priced)).spans[0]?.llm?.costUsd).toBeCloseTo((1000 * 3 + 100 * 12) / 1e6, 12);
    // spans stored before the override keep their cost
    expect((await traceOf(unknown)).spans[0]?.llm?.costUsd).toBeNull();
  });

  it('overrides a bundled price (a negotiated rate) and goes back to it when removed', async () => {
    expect(
      (await put({ items: [{ provider: 'openai', model: 'gpt-4o-mini', input: 0.1, output: 0.2 }] })).status,
    ).toBe(200);
    const negotiated = await exportCall('gpt-4o-mini', 1000, 100);
    expect((await traceOf(negotiated)).spans[0]?.llm?.costUsd).toBeCloseTo(
      (1000 * 0.1 + 100 * 0.2) / 1e6,
      12,
    );
    expect((await put({ items: [] })).status).toBe(200);
    const listed = await exportCall('gpt-4o-mini', 1000, 100);
    expect((await traceOf(listed)).spans[0]?.llm?.costUsd).toBeCloseTo(
      1000 * GPT_4O_MINI.input + 100 * GPT_4O_MINI.output,
      12,
    );
  });

  it('refuses invalid overrides with a 400 that says what is wrong', async () => {
    const negative = await put({ items: [{ model: 'x', input: -1, output: 1 }] });
    expect(negative.status).toBe(400);
    expect(((await negative.json()) as { message: string }).message).toMatch(/items\.0\.input/);
    const twice = await put({
      items: [
        { model: 'x', input: 1, output: 1 },
        { model: 'X', input: 2, output: 2 },
      ],
    });
    expect(twice.status).toBe(400);
    expect(((await twice.json()) as { message: string }).message).toMatch(/listed twice/);
    expect((await put({ items: [{ model: 'x', input: 1 }] })).status).toBe(400);
  });

  it('documents the price routes and the estimated flag in the OpenAPI document', async () => {
    const doc = (await server.json('/api/openapi.json', null)) as { paths: Record<string, object> };
    expect(Object.keys(doc.paths['/api/projects/{id}/prices'] ?? {}).sort()).toEqual(['get', 'put']);
    expect(JSON.stringify(doc.paths['/api/traces/{traceId}'])).toContain('"estimated"');
  });

  it('lets an API key read the overrides but only an admin change them', async () => {
    expect((await server.fetch('/api/projects/default/prices')).status).toBe(200);
    expect((await put({ items: [] }, '', server.apiKey)).status).toBe(403);
    expect((await put({ items: [] }, '', null)).status).toBe(401);
  });
});
