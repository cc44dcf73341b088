/**
 * Runs every real client against the fake OpenAI server and the OTLP capture server (no Driftwatch server) and
 * checks what arrived on the wire: bearer token, encoding, span names, and the attributes the normalizer relies on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttributeValue } from '@driftwatch/contracts';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.ts';
import { startOtlpCapture, type OtlpCapture } from '../support/otlp-capture.ts';
import { allSpans } from '../support/otlp-decode.ts';
import { ALL_CLIENTS, type ClientResult } from './index.ts';

type Span = ReturnType<typeof allSpans>[number];

interface Expectation {
  contentType: string;
  spanNames: string[];
  check(spans: Span[], ids: { userId: string; sessionId: string }): void;
}

const USER = 'user-42';
const PROTO = 'application/x-protobuf';

const attr = (span: Span | undefined, key: string): AttributeValue | undefined => span?.attributes[key];
const named = (spans: Span[], name: string) => spans.filter((s) => s.name === name);
const json = (value: AttributeValue | undefined): unknown => JSON.parse(String(value));

const EXPECTATIONS: Record<string, Expectation> = {
  'genai-manual-proto': { contentType: PROTO, spanNames: manualNames(), check: checkManual },
  'genai-manual-json': { contentType: 'application/json', spanNames: manualNames(), check: checkManual },
  'openinference-openai': {
    contentType: PROTO,
    spanNames: ['OpenAI Chat Completions', 'OpenAI Embeddings'],
    check: (spans, ids) => {
      for (const span of spans) {
        expect(attr(span, 'session.id')).toBe(ids.sessionId);
        expect(attr(span, 'user.id')).toBe(ids.userId);
      }
      const [first] = named(spans, 'OpenAI Chat Completions');
      expect(attr(first, 'openinference.span.kind')).toBe('LLM');
      expect(attr(first, 'llm.token_count.prompt')).toBe(35);
      expect(attr(first, 'llm.output_messages.0.message.tool_calls.0.tool_call.function.name')).toBe(
        'get_weather',
      );
    },
  },
  'otel-openai': {
    contentType: PROTO,
    spanNames: ['chat gpt-4o-mini', 'embeddings text-embedding-3-small'],
    check: (spans) => {
      expect(attr(spans[0], 'gen_ai.system')).toBe('openai');
      expect(attr(spans[0], 'gen_ai.usage.input_tokens')).toBe(35);
    },
  },
  'traceloop-openai': {
    contentType: PROTO,
    spanNames: ['chat gpt-4o-mini'],
    check: (spans) => {
      const [first] = spans;
      expect(attr(first, 'gen_ai.provider.name')).toBe('openai');
      expect(attr(first, 'gen_ai.usage.input_tokens')).toBe(35);
      expect(JSON.stringify(json(attr(first, 'gen_ai.output.messages')))).toContain('get_weather');
    },
  },
  'traceloop-sdk': {
    contentType: PROTO,
    spanNames: ['weather_workflow.workflow', 'weather_agent.agent', 'chat gpt-4o-mini'],
    check: (spans, ids) => {
      for (const span of named(spans, 'chat gpt-4o-mini')) {
        expect(attr(span, 'traceloop.association.properties.user_id')).toBe(ids.userId);
        expect(attr(span, 'traceloop.association.properties.session_id')).toBe(ids.sessionId);
      }
      expect(attr(named(spans, 'weather_workflow.workflow')[0], 'traceloop.span.kind')).toBe('workflow');
    },
  },
  'vercel-ai-6': {
    contentType: PROTO,
    spanNames: [
      'ai.generateText',
      'ai.generateText.doGenerate',
      'ai.toolCall',
      'ai.streamText',
      'ai.streamText.doStream',
      'ai.embed',
    ],
    check: (spans, ids) => {
      const root = named(spans, 'ai.generateText')[0];
      expect(attr(root, 'ai.telemetry.metadata.userId')).toBe(ids.userId);
      expect(attr(root, 'ai.telemetry.metadata.sessionId')).toBe(ids.sessionId);
      const steps = named(spans, 'ai.generateText.doGenerate');
      expect(Number(attr(root, 'ai.usage.inputTokens'))).toBe(
        steps.reduce((sum, s) => sum + Number(attr(s, 'ai.usage.inputTokens')), 0),
      );
      expect(attr(steps[0], 'ai.usage.cachedInputTokens')).toBe(8);
    },
  },
  'vercel-ai-7': {
    contentType: PROTO,
    spanNames: [
      'invoke_agent gpt-4o-mini',
      'step 1',
      'chat gpt-4o-mini',
      'execute_tool get_weather',
      'embeddings text-embedding-3-small',
    ],
    check: (spans, ids) => {
      const agent = named(spans, 'invoke_agent gpt-4o-mini')[0];
      expect(attr(agent, 'ai.settings.context.userId')).toBe(ids.userId);
      expect(attr(agent, 'gen_ai.conversation.id')).toBe(ids.sessionId);
      const chats = named(spans, 'chat gpt-4o-mini').filter((s) => s.traceId === agent?.traceId);
      expect(attr(agent, 'gen_ai.usage.input_tokens')).toBe(
        chats.reduce((sum, s) => sum + Number(attr(s, 'gen_ai.usage.input_tokens')), 0),
      );
    },
  },
  'python-openinference': {
    contentType: PROTO,
    spanNames: ['ChatCompletion', 'CreateEmbeddings'],
    check: (spans, ids) => {
      for (const span of spans) expect(attr(span, 'session.id')).toBe(ids.sessionId);
      expect(attr(spans[0], 'llm.token_count.prompt_details.cache_read')).toBe(8);
    },
  },
  'python-otel-genai': {
    contentType: PROTO,
    spanNames: ['chat gpt-4o-mini', 'embeddings text-embedding-3-small'],
    check: (spans) => {
      expect(attr(spans[0], 'gen_ai.usage.input_tokens')).toBe(35);
      expect(JSON.stringify(json(attr(spans[0], 'gen_ai.output.messages')))).toContain('tool_call');
    },
  },
  'python-openllmetry': {
    contentType: PROTO,
    spanNames: ['openai.chat', 'openai.embeddings'],
    check: (spans, ids) => {
      expect(attr(spans[0], 'gen_ai.user')).toBe(ids.userId);
      expect(attr(spans[0], 'gen_ai.usage.cache_read.input_tokens')).toBe(8);
    },
  },
};

function manualNames(): string[] {
  return [
    'invoke_agent weather-assistant',
    'chat gpt-4o-mini',
    'execute_tool get_weather',
    'embeddings text-embedding-3-small',
  ];
}

function checkManual(spans: Span[], ids: { userId: string; sessionId: string }): void {
  const agent = named(spans, 'invoke_agent weather-assistant')[0];
  expect(attr(agent, 'user.id')).toBe(ids.userId);
  expect(attr(agent, 'gen_ai.conversation.id')).toBe(ids.sessionId);
  const chats = named(spans, 'chat gpt-4o-mini');
  expect(chats.every((c) => c.parentSpanId === agent?.spanId)).toBe(true);
  expect(attr(agent, 'gen_ai.usage.input_tokens')).toBe(
    chats.reduce((sum, c) => sum + Number(attr(c, 'gen_ai.usage.input_tokens')), 0),
  );
  expect(attr(chats[0], 'gen_ai.usage.cache_read.input_tokens')).toBe(8);
  expect(attr(chats[0], 'gen_ai.usage.reasoning.output_tokens')).toBe(3);
}

describe('real clients against the OTLP capture server', () => {
  let openai: FakeOpenAI;
  let capture: OtlpCapture;

  beforeAll(async () => {
    openai = await startFakeOpenAI();
    capture = await startOtlpCapture();
  });
  afterAll(async () => {
    await capture?.close();
    await openai?.close();
  });

  for (const [name, expected] of Object.entries(EXPECTATIONS)) {
    // Python clients create their virtualenv on first use (pip reaches PyPI), hence the longer timeout.
    it(
      `${name} exports the expected spans`,
      { timeout: name.startsWith('python') ? 600_000 : 120_000 },
      async () => {
        const run = ALL_CLIENTS[name];
        if (!run) throw new Error(`no client ${name}`);
        const apiKey = `dw_test_${name}`;
        const ids = { userId: USER, sessionId: `session-${name}` };
        const result: ClientResult = await run({
          otlpEndpoint: capture.endpoint,
          apiKey,
          openaiBaseUrl: openai.baseUrl,
          ...ids,
        });

        const requests = capture.requests.filter(
          (r) => r.headers.authorization === `Bearer ${apiKey}` && r.path === '/v1/traces',
        );
        expect(requests.length).toBeGreaterThan(0);
        for (const r of requests) expect(r.headers['content-type']).toContain(expected.contentType);

        const spans = allSpans(capture.traces({ apiKey }));
        const names = new Set(spans.map((s) => s.name));
        for (const spanName of expected.spanNames) expect(names, `span ${spanName}`).toContain(spanName);
        expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set(result.traceIds));
        expect(spans.length).toBe(result.spanNames.length);
        expect(result.calls).toContain('embeddings');
        expected.check(spans, ids);
        if (name === 'otel-openai') {
          // Message content travels as log records correlated to the chat spans.
          const records = capture
            .logs({ apiKey })
            .flatMap((l) => l.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords)));
          expect(records.map((r) => r.attributes['event.name'])).toContain('gen_ai.user.message');
          expect(records.every((r) => result.traceIds.includes(r.traceId))).toBe(true);
        }
      },
    );
  }
});
