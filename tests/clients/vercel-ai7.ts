/**
 * Client (f): the Vercel AI SDK 7 (`ai`) with @ai-sdk/otel (GenAI semantic conventions) and @ai-sdk/openai 4
 * (`openai.chat()`, the Chat Completions API), on our OpenTelemetry SDK exporting OTLP/HTTP protobuf.
 * User and session: AI SDK 7 replaced telemetry metadata with runtime context; with `runtimeContext: true` the
 * integration records `ai.settings.context.userId|sessionId`. `enrichSpan` (the integration's hook for
 * observability tools) adds `gen_ai.conversation.id` and `user.id` on the root span.
 * Emits invoke_agent {model} > step N > chat {model} / execute_tool get_weather, and embeddings spans.
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { z } from 'zod';
import {
  CHAT_MODEL,
  EMBEDDING_MODEL,
  PLAIN_QUESTION,
  SYSTEM_PROMPT,
  WEATHER_QUESTION,
  WEATHER_RESULT,
  authHeaders,
  registerTelemetry,
  tracesUrl,
  versionsOf,
  type ClientOptions,
  type ClientResult,
} from './common.ts';

export async function runVercelAi7(options: ClientOptions): Promise<ClientResult> {
  const telemetry = registerTelemetry(
    new OTLPTraceExporter({ url: tracesUrl(options.otlpEndpoint), headers: authHeaders(options.apiKey) }),
    'driftwatch-e2e-vercel-ai-7',
  );
  const {
    generateText,
    streamText,
    embed,
    tool,
    stepCountIs,
    registerTelemetry: registerAiTelemetry,
  } = await import('ai');
  const { OpenTelemetry } = await import('@ai-sdk/otel');
  const { createOpenAI } = await import('@ai-sdk/openai');
  registerAiTelemetry(
    new OpenTelemetry({
      usage: true,
      runtimeContext: true,
      embedding: true,
      enrichSpan: ({ spanType }) =>
        spanType === 'operation'
          ? { 'gen_ai.conversation.id': options.sessionId, 'user.id': options.userId }
          : undefined,
    }),
  );
  const openai = createOpenAI({ apiKey: 'sk-fake', baseURL: options.openaiBaseUrl });
  const runtimeContext = { userId: options.userId, sessionId: options.sessionId };
  const telemetrySettings = {
    functionId: 'weather-assistant',
    includeRuntimeContext: { userId: true, sessionId: true },
  };
  const calls: string[] = [];

  const generated = await generateText({
    model: openai.chat(CHAT_MODEL),
    system: SYSTEM_PROMPT,
    prompt: WEATHER_QUESTION,
    tools: {
      get_weather: tool({
        description: 'Current weather for a city.',
        inputSchema: z.object({ city: z.string().describe('City name') }),
        execute: async ({ city }) => ({ ...WEATHER_RESULT, city }),
      }),
    },
    stopWhen: stepCountIs(3),
    temperature: 0,
    runtimeContext,
    telemetry: telemetrySettings,
  });
  calls.push(...generated.steps.map((s) => `chat ${s.finishReason}`));

  const streamed = streamText({
    model: openai.chat(CHAT_MODEL),
    system: SYSTEM_PROMPT,
    prompt: PLAIN_QUESTION,
    runtimeContext,
    telemetry: telemetrySettings,
  });
  if (!(await streamed.text)) throw new Error('empty streamed answer');
  calls.push('chat stream');

  await embed({
    model: openai.embedding(EMBEDDING_MODEL),
    value: 'drift detection',
    telemetry: { functionId: 'weather-assistant' },
  });
  calls.push('embeddings');

  await telemetry.shutdown();
  return {
    client: 'vercel-ai-7',
    traceIds: telemetry.recorder.traceIds,
    spanNames: telemetry.recorder.spanNames,
    calls,
    versions: await versionsOf(['ai', '@ai-sdk/otel', '@ai-sdk/openai', '@opentelemetry/sdk-trace']),
  };
}
