/**
 * Clients (a) and (b): an application instrumented by hand with the OpenTelemetry SDK and the GenAI semantic
 * conventions (v1.37+ names), calling the OpenAI API with the plain openai client. One trace:
 *   invoke_agent weather-assistant (usage = sum of its chat children, as agent frameworks do)
 *     chat gpt-4o-mini        -> tool call get_weather
 *     execute_tool get_weather
 *     chat gpt-4o-mini        -> final answer
 *   embeddings text-embedding-3-small (second trace)
 * (a) exports OTLP/HTTP protobuf, (b) OTLP/HTTP JSON.
 */
import { SpanKind, SpanStatusCode, context, trace, type Attributes, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type OpenAI from 'openai';
import {
  CHAT_MODEL,
  EMBEDDING_MODEL,
  SYSTEM_PROMPT,
  WEATHER_QUESTION,
  WEATHER_RESULT,
  WEATHER_TOOL,
  authHeaders,
  registerTelemetry,
  tracesUrl,
  versionsOf,
  type ClientOptions,
  type ClientResult,
} from './common.ts';

type Encoding = 'proto' | 'json';

export function runGenAIManualProto(options: ClientOptions): Promise<ClientResult> {
  return runGenAIManual(options, 'proto');
}

export function runGenAIManualHttpJson(options: ClientOptions): Promise<ClientResult> {
  return runGenAIManual(options, 'json');
}

async function runGenAIManual(options: ClientOptions, encoding: Encoding): Promise<ClientResult> {
  const exporterOptions = { url: tracesUrl(options.otlpEndpoint), headers: authHeaders(options.apiKey) };
  const exporter =
    encoding === 'proto' ? new ProtoExporter(exporterOptions) : new JsonExporter(exporterOptions);
  const client = encoding === 'proto' ? 'genai-manual-proto' : 'genai-manual-json';
  const telemetry = registerTelemetry(exporter, `driftwatch-e2e-${client}`, options);
  const { default: OpenAIClient } = await import('openai');
  const openai = new OpenAIClient({ apiKey: 'sk-fake', baseURL: options.openaiBaseUrl });
  const tracer = trace.getTracer('driftwatch-e2e-genai-manual', '0.1.0');
  const server = new URL(options.openaiBaseUrl);
  const serverAttributes = { 'server.address': server.hostname, 'server.port': Number(server.port) };
  const calls: string[] = [];

  type Message = OpenAI.Chat.Completions.ChatCompletionMessageParam;
  const messages: Message[] = [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: WEATHER_QUESTION },
  ];

  const chat = (span: Span, history: Message[]) =>
    context.with(trace.setSpan(context.active(), span), async () => {
      span.setAttributes({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': CHAT_MODEL,
        'gen_ai.request.temperature': 0,
        'gen_ai.request.max_tokens': 200,
        'gen_ai.conversation.id': options.sessionId,
        ...serverAttributes,
        'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: SYSTEM_PROMPT }]),
        'gen_ai.input.messages': JSON.stringify(
          history.filter((m) => m.role !== 'system').map(toSemConvInput),
        ),
        'gen_ai.tool.definitions': JSON.stringify([{ type: 'function', ...WEATHER_TOOL.function }]),
      });
      const response = await openai.chat.completions.create({
        model: CHAT_MODEL,
        messages: history,
        tools: [WEATHER_TOOL],
        temperature: 0,
        max_tokens: 200,
        user: options.userId,
      });
      const choice = response.choices[0];
      if (!choice) throw new Error('no choice in response');
      const usage = response.usage;
      const usageAttributes: Attributes = {
        'gen_ai.usage.input_tokens': usage?.prompt_tokens ?? 0,
        'gen_ai.usage.output_tokens': usage?.completion_tokens ?? 0,
        'gen_ai.usage.cache_read.input_tokens': usage?.prompt_tokens_details?.cached_tokens ?? 0,
        'gen_ai.usage.reasoning.output_tokens': usage?.completion_tokens_details?.reasoning_tokens ?? 0,
      };
      span.setAttributes({
        'gen_ai.response.id': response.id,
        'gen_ai.response.model': response.model,
        'gen_ai.response.finish_reasons': [choice.finish_reason],
        'gen_ai.openai.response.system_fingerprint': response.system_fingerprint ?? '',
        ...usageAttributes,
        'gen_ai.output.messages': JSON.stringify([toSemConvOutput(choice.message, choice.finish_reason)]),
      });
      span.end();
      calls.push(`chat ${choice.finish_reason}`);
      return { choice, usageAttributes };
    });

  const agent = tracer.startSpan(`invoke_agent weather-assistant`, {
    kind: SpanKind.INTERNAL,
    attributes: {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.provider.name': 'openai',
      'gen_ai.agent.name': 'weather-assistant',
      'gen_ai.agent.id': 'agent_weather_1',
      'gen_ai.agent.description': 'Answers weather questions with the get_weather tool.',
      'gen_ai.request.model': CHAT_MODEL,
      'gen_ai.conversation.id': options.sessionId,
      'session.id': options.sessionId,
      'user.id': options.userId,
      'gen_ai.input.messages': JSON.stringify([
        { role: 'user', parts: [{ type: 'text', content: WEATHER_QUESTION }] },
      ]),
    },
  });
  const agentContext = trace.setSpan(context.active(), agent);

  await context.with(agentContext, async () => {
    const first = await chat(tracer.startSpan(`chat ${CHAT_MODEL}`, { kind: SpanKind.CLIENT }), messages);
    const toolCall = first.choice.message.tool_calls?.[0];
    if (!toolCall || toolCall.type !== 'function')
      throw new Error('expected a tool call from the fake server');
    messages.push(first.choice.message);

    const tool = tracer.startSpan(`execute_tool ${toolCall.function.name}`, {
      kind: SpanKind.INTERNAL,
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': toolCall.function.name,
        'gen_ai.tool.type': 'function',
        'gen_ai.tool.description': WEATHER_TOOL.function.description,
        'gen_ai.tool.call.id': toolCall.id,
        'gen_ai.tool.call.arguments': toolCall.function.arguments,
      },
    });
    const result = JSON.stringify(WEATHER_RESULT);
    tool.setAttribute('gen_ai.tool.call.result', result);
    tool.end();
    messages.push({ role: 'tool', tool_call_id: toolCall.id, content: result });

    const second = await chat(tracer.startSpan(`chat ${CHAT_MODEL}`, { kind: SpanKind.CLIENT }), messages);
    const sum = (key: string) =>
      Number(first.usageAttributes[key] ?? 0) + Number(second.usageAttributes[key] ?? 0);
    agent.setAttributes({
      'gen_ai.response.model': CHAT_MODEL,
      'gen_ai.usage.input_tokens': sum('gen_ai.usage.input_tokens'),
      'gen_ai.usage.output_tokens': sum('gen_ai.usage.output_tokens'),
      'gen_ai.usage.cache_read.input_tokens': sum('gen_ai.usage.cache_read.input_tokens'),
      'gen_ai.usage.reasoning.output_tokens': sum('gen_ai.usage.reasoning.output_tokens'),
      'gen_ai.output.messages': JSON.stringify([
        toSemConvOutput(second.choice.message, second.choice.finish_reason),
      ]),
    });
    agent.setStatus({ code: SpanStatusCode.OK });
    agent.end();
  });

  const embeddingSpan = tracer.startSpan(`embeddings ${EMBEDDING_MODEL}`, {
    kind: SpanKind.CLIENT,
    attributes: {
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': EMBEDDING_MODEL,
      'gen_ai.request.encoding_formats': ['float'],
      ...serverAttributes,
      'user.id': options.userId,
      'session.id': options.sessionId,
    },
  });
  const embedding = await context.with(trace.setSpan(context.active(), embeddingSpan), () =>
    openai.embeddings.create({
      model: EMBEDDING_MODEL,
      input: ['drift detection', 'token usage'],
      encoding_format: 'float',
    }),
  );
  embeddingSpan.setAttributes({
    'gen_ai.response.model': embedding.model,
    'gen_ai.usage.input_tokens': embedding.usage.prompt_tokens,
    'gen_ai.embeddings.dimension.count': embedding.data[0]?.embedding.length ?? 0,
  });
  embeddingSpan.end();
  calls.push('embeddings');

  await telemetry.shutdown();
  return {
    client,
    traceIds: telemetry.recorder.traceIds,
    spanNames: telemetry.recorder.spanNames,
    calls,
    versions: await versionsOf([
      '@opentelemetry/sdk-trace',
      encoding === 'proto'
        ? '@opentelemetry/exporter-trace-otlp-proto'
        : '@opentelemetry/exporter-trace-otlp-http',
      'openai',
    ]),
  };
}

interface OpenAIMessageLike {
  role: string;
  content?: unknown;
  tool_calls?: { id: string; type: string; function?: { name: string; arguments: string } }[] | null;
  tool_call_id?: string;
}

/** OpenAI chat message -> GenAI semconv input message ({role, parts}). */
function toSemConvInput(message: OpenAIMessageLike) {
  if (message.role === 'tool') {
    return {
      role: 'tool',
      parts: [{ type: 'tool_call_response', id: message.tool_call_id, response: String(message.content) }],
    };
  }
  const parts: unknown[] = [];
  if (typeof message.content === 'string' && message.content.length > 0)
    parts.push({ type: 'text', content: message.content });
  for (const call of message.tool_calls ?? []) {
    if (call.function)
      parts.push({
        type: 'tool_call',
        id: call.id,
        name: call.function.name,
        arguments: JSON.parse(call.function.arguments),
      });
  }
  return { role: message.role, parts };
}

function toSemConvOutput(message: OpenAIMessageLike, finishReason: string) {
  return { ...toSemConvInput(message), finish_reason: finishReason };
}
