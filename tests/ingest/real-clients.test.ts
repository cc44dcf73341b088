/**
 * Real instrumentations, real exporters, real server: each client of tests/clients makes its LLM calls against the
 * fake OpenAI server and exports to Driftwatch; the assertions read only the REST API.
 */
import { traceDetailSchema, traceListPageSchema } from '@driftwatch/api-schema';
import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_CLIENTS, type ClientResult } from '../clients/index.ts';
import { SYSTEM_PROMPT, WEATHER_QUESTION } from '../clients/common.ts';
import { DriftwatchServer } from '../support/driftwatch-server.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.ts';

type Trace = z.infer<typeof traceDetailSchema>;
type Span = Trace['spans'][number];

/** gpt-4o-mini list prices in USD per token (input, cached input, output), as in the shipped price table. */
const GPT_4O_MINI = { input: 0.15e-6, cached: 0.075e-6, output: 0.6e-6 };
const MODEL_CALLS = new Set(['chat', 'text_completion', 'generate_content', 'embeddings']);

interface Expectation {
  /** The client records user and session ids. */
  identity: boolean;
  /** Message content arrives on spans (not only as log records). */
  content: boolean;
  /** Parent spans repeat the usage of their model calls (agents, ai.generateText ...). */
  repeatsUsage: boolean;
}

const CLIENTS: Record<string, Expectation> = {
  'genai-manual-proto': { identity: true, content: true, repeatsUsage: true },
  'genai-manual-json': { identity: true, content: true, repeatsUsage: true },
  'openinference-openai': { identity: true, content: true, repeatsUsage: false },
  // content arrives as GenAI log records on /v1/logs and is joined to its span when the trace is read
  'otel-openai': { identity: false, content: true, repeatsUsage: false },
  'traceloop-openai': { identity: false, content: true, repeatsUsage: false },
  'traceloop-sdk': { identity: true, content: true, repeatsUsage: false },
  'vercel-ai-6': { identity: true, content: true, repeatsUsage: true },
  'vercel-ai-7': { identity: true, content: true, repeatsUsage: true },
  'python-openinference': { identity: true, content: true, repeatsUsage: false },
  'python-otel-genai': { identity: false, content: true, repeatsUsage: false },
  'python-openllmetry': { identity: false, content: true, repeatsUsage: false },
};

let server: DriftwatchServer;
let fake: FakeOpenAI;

beforeAll(async () => {
  [server, fake] = await Promise.all([DriftwatchServer.start(), startFakeOpenAI()]);
});
afterAll(async () => {
  await Promise.all([server?.stop(), fake?.close()]);
});

function textOf(parts: Array<{ type: string; content?: unknown }>): string {
  return parts
    .filter((p) => p.type === 'text')
    .map((p) => String(p.content))
    .join('');
}

/** Model calls whose subtree holds no other model call: where usage is really reported. */
function leafModelCalls(spans: Span[]): Span[] {
  const calls = spans.filter((s) => s.llm && MODEL_CALLS.has(s.llm.operation));
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const hasCallBelow = new Set<string>();
  for (const call of calls) {
    for (let p = call.parentSpanId; p; p = byId.get(p)?.parentSpanId ?? null) hasCallBelow.add(p);
  }
  return calls.filter((c) => !hasCallBelow.has(c.spanId));
}

describe.each(Object.entries(CLIENTS))('real client %s', (name, expectation) => {
  let result: ClientResult;
  let traces: Trace[];
  let summaries: z.infer<typeof traceListPageSchema>['items'];

  beforeAll(async () => {
    const run = ALL_CLIENTS[name]!;
    result = await run({
      otlpEndpoint: server.url,
      apiKey: server.apiKey,
      openaiBaseUrl: fake.baseUrl,
      userId: `user-${name}`,
      sessionId: `session-${name}`,
    });
    traces = [];
    for (const traceId of result.traceIds) {
      traces.push(traceDetailSchema.parse(await server.json(`/api/traces/${traceId}`)));
    }
    const page = traceListPageSchema.parse(await server.json('/api/traces?from=0&limit=500'));
    summaries = page.items.filter((t) => result.traceIds.includes(t.traceId));
  }, 600_000);

  it('stores every span the client ended', () => {
    const stored = traces.flatMap((t) => t.spans.map((s) => s.name)).sort();
    expect(stored).toEqual([...result.spanNames].sort());
  });

  it('recognizes the model calls: operation, provider and model', () => {
    const chats = traces.flatMap((t) => t.spans).filter((s) => s.llm?.operation === 'chat');
    expect(chats.length).toBeGreaterThanOrEqual(2);
    for (const chat of chats) {
      expect(chat.llm?.provider).toBe('openai');
      expect(`${chat.llm?.requestModel} ${chat.llm?.responseModel}`).toContain('gpt-4o-mini');
    }
  });

  // Tests that do not apply to a client are not declared for it (the expectation table says why).
  if (expectation.content)
    it('structures the conversation: system, user, tool call, tool result', () => {
      const spans = traces.flatMap((t) => t.spans);
      const first = spans.find(
        (s) => s.llm?.toolCalls.some((c) => c.name === 'get_weather') && s.llm.operation === 'chat',
      );
      expect(first, 'a chat span with the get_weather tool call').toBeDefined();
      const llm = first!.llm!;
      expect(textOf(llm.systemInstructions)).toContain(SYSTEM_PROMPT);
      expect(llm.inputMessages.map((m) => m.role)).not.toContain('system');
      const user = llm.inputMessages.find((m) => m.role === 'user');
      expect(textOf(user?.parts ?? [])).toContain(WEATHER_QUESTION);
      expect(JSON.parse(llm.toolCalls[0]?.arguments ?? '{}')).toEqual({ city: 'Paris' });
      const followUp = spans.find((s) =>
        s.llm?.inputMessages.some((m) => m.parts.some((p) => p.type === 'tool_call_response')),
      );
      expect(followUp, 'a chat span carrying the tool result').toBeDefined();
      expect(JSON.stringify(followUp!.llm!.inputMessages)).toContain('sunny');
      expect(textOf(followUp!.llm!.outputMessages.flatMap((m) => m.parts)).length).toBeGreaterThan(0);
    });

  it('counts tokens once: trace totals equal the sum of the real model calls', () => {
    for (const trace of traces) {
      const summary = summaries.find((s) => s.traceId === trace.traceId)!;
      const leaves = leafModelCalls(trace.spans);
      expect(summary.inputTokens).toBe(leaves.reduce((n, s) => n + (s.llm?.usage.inputTokens ?? 0), 0));
      expect(summary.outputTokens).toBe(leaves.reduce((n, s) => n + (s.llm?.usage.outputTokens ?? 0), 0));
    }
  });

  if (expectation.repeatsUsage)
    it('does not add the usage a parent span repeats', () => {
      // The fake server's weather round trip costs 35 + 88 input and 12 + 25 output tokens.
      const weather = summaries.find((s) =>
        traces.find((t) => t.traceId === s.traceId)?.spans.some((x) => x.llm?.toolCalls.length),
      );
      expect(weather).toMatchObject({ inputTokens: 123, outputTokens: 37, llmCallCount: 2 });
    });

  it('prices gpt-4o-mini calls from the price table, cached tokens at the cached rate', () => {
    const priced = leafModelCalls(traces.flatMap((t) => t.spans)).filter(
      (s) => s.llm?.operation === 'chat' && s.llm.usage.inputTokens !== null,
    );
    expect(priced.length).toBeGreaterThan(0);
    for (const span of priced) {
      const u = span.llm!.usage;
      const cached = u.cacheReadInputTokens ?? 0;
      const expected =
        (u.inputTokens! - cached) * GPT_4O_MINI.input +
        cached * GPT_4O_MINI.cached +
        u.outputTokens! * GPT_4O_MINI.output;
      expect(span.llm!.costUsd).toBeCloseTo(expected, 12);
    }
  });

  if (expectation.identity)
    it('finds user and session on whichever span carries them', () => {
      const withCalls = summaries.filter((s) => s.llmCallCount > 0);
      expect(withCalls.length).toBeGreaterThan(0);
      for (const summary of withCalls) {
        expect(summary.userId).toBe(`user-${name}`);
        expect(summary.sessionId).toBe(`session-${name}`);
      }
    });
});

describe('real client authentication', () => {
  it('a client with an unknown key is refused and nothing is stored', async () => {
    const before = traceListPageSchema.parse(await server.json('/api/traces?from=0&limit=500')).items.length;
    await expect(
      ALL_CLIENTS['genai-manual-proto']!({
        otlpEndpoint: server.url,
        apiKey: `dw_${'q'.repeat(32)}`,
        openaiBaseUrl: fake.baseUrl,
        userId: 'intruder',
        sessionId: 'intruder',
      }),
    ).rejects.toThrow(/Unauthorized|401/);
    const after = traceListPageSchema.parse(await server.json('/api/traces?from=0&limit=500')).items.length;
    expect(after).toBe(before);
  });
});
