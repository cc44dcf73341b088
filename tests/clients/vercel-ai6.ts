/**
 * Client (e): the Vercel AI SDK 6 (npm alias `ai6`) with @ai-sdk/openai 3 (alias `ai-sdk-openai3`) and
 * `experimental_telemetry` (metadata userId/sessionId), on our OpenTelemetry SDK exporting OTLP/HTTP protobuf.
 * Calls: generateText with a tool (two model steps), streamText, embed. Emits ai.generateText /
 * ai.generateText.doGenerate / ai.toolCall, ai.streamText / ai.streamText.doStream, ai.embed / ai.embed.doEmbed.
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

export async function runVercelAi6(options: ClientOptions): Promise<ClientResult> {
  const telemetry = registerTelemetry(
    new OTLPTraceExporter({ url: tracesUrl(options.otlpEndpoint), headers: authHeaders(options.apiKey) }),
    'driftwatch-e2e-vercel-ai-6',
  );
  const { generateText, streamText, embed, tool, stepCountIs } = await import('ai6');
  const { createOpenAI } = await import('ai-sdk-openai3');
  const openai = createOpenAI({ apiKey: 'sk-fake', baseURL: options.openaiBaseUrl });
  const experimental_telemetry = {
    isEnabled: true,
    functionId: 'weather-assistant',
    metadata: { userId: options.userId, sessionId: options.sessionId, tags: ['e2e', 'vercel-ai-6'] },
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
    experimental_telemetry,
  });
  calls.push(...generated.steps.map((s) => `chat ${s.finishReason}`));

  const streamed = streamText({
    model: openai.chat(CHAT_MODEL),
    system: SYSTEM_PROMPT,
    prompt: PLAIN_QUESTION,
    experimental_telemetry,
  });
  if (!(await streamed.text)) throw new Error('empty streamed answer');
  calls.push('chat stream');

  await embed({ model: openai.embedding(EMBEDDING_MODEL), value: 'drift detection', experimental_telemetry });
  calls.push('embeddings');

  await telemetry.shutdown();
  return {
    client: 'vercel-ai-6',
    traceIds: telemetry.recorder.traceIds,
    spanNames: telemetry.recorder.spanNames,
    calls,
    versions: await versionsOf(['ai6', 'ai-sdk-openai3', '@opentelemetry/sdk-trace']),
  };
}
