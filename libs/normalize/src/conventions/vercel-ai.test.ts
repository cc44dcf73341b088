import { describe, expect, it } from 'vitest';
import { byName, llmOf, normalizeOne, normalizeSpans, sid, span } from '../testing/otlp-builders.js';

const telemetry = {
  'ai.telemetry.functionId': 'weather-chat',
  'ai.telemetry.metadata.userId': 'user-9',
  'ai.telemetry.metadata.sessionId': 'chat-9',
  'ai.telemetry.metadata.tags': ['web', 'beta'],
  'ai.telemetry.metadata.promptName': 'weather-system',
  'ai.telemetry.metadata.promptVersion': '7',
  'ai.telemetry.metadata.plan': 'pro',
};

const promptMessages = [
  { role: 'system', content: 'You are a weather assistant.' },
  {
    role: 'user',
    content: [
      { type: 'text', text: 'Weather here?' },
      { type: 'image', image: 'https://img.test/sky.jpg', mimeType: 'image/jpeg' },
    ],
  },
  {
    role: 'assistant',
    content: [
      { type: 'reasoning', text: 'Need the location.' },
      { type: 'tool-call', toolCallId: 'call_1', toolName: 'locate', args: {} },
    ],
  },
  {
    role: 'tool',
    content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'locate', result: { city: 'Lyon' } }],
  },
];

/** ai 4 (promptTokens) generateText with one doGenerate child. */
function ai4Spans() {
  return [
    span({
      spanId: sid(1),
      name: 'ai.generateText',
      attributes: {
        'operation.name': 'ai.generateText weather-chat',
        'ai.operationId': 'ai.generateText',
        'ai.model.id': 'gpt-4o',
        'ai.model.provider': 'openai.chat',
        'ai.prompt': JSON.stringify({ system: 'You are a weather assistant.', prompt: 'Weather here?' }),
        'ai.response.text': 'Sunny in Lyon.',
        'ai.response.finishReason': 'stop',
        'ai.usage.promptTokens': 400,
        'ai.usage.completionTokens': 50,
        ...telemetry,
      },
    }),
    span({
      spanId: sid(2),
      parentSpanId: sid(1),
      name: 'ai.generateText.doGenerate',
      kind: 3,
      attributes: {
        'operation.name': 'ai.generateText.doGenerate weather-chat',
        'ai.operationId': 'ai.generateText.doGenerate',
        'ai.model.id': 'gpt-4o',
        'ai.model.provider': 'openai.chat',
        'ai.prompt.format': 'messages',
        'ai.prompt.messages': JSON.stringify(promptMessages),
        'ai.response.text': 'Sunny in Lyon.',
        'ai.response.toolCalls': JSON.stringify([
          { toolCallType: 'function', toolCallId: 'call_2', toolName: 'forecast', args: '{"city":"Lyon"}' },
        ]),
        'ai.response.finishReason': 'tool-calls',
        'ai.response.model': 'gpt-4o-2024-08-06',
        'ai.usage.promptTokens': 400,
        'ai.usage.completionTokens': 50,
        'gen_ai.system': 'openai.chat',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.response.model': 'gpt-4o-2024-08-06',
        'gen_ai.usage.input_tokens': 400,
        'gen_ai.usage.output_tokens': 50,
        ...telemetry,
      },
    }),
  ];
}

describe('Vercel AI SDK <= 6', () => {
  it('counts doGenerate and not the generateText span around it', () => {
    const records = normalizeSpans(ai4Spans());
    const outer = llmOf(byName(records, 'ai.generateText'));
    const inner = llmOf(byName(records, 'ai.generateText.doGenerate'));
    expect(outer).toMatchObject({
      convention: 'vercel_ai',
      operation: 'invoke_agent',
      usageCounted: false,
      costUsd: null,
    });
    expect(inner).toMatchObject({
      convention: 'vercel_ai',
      operation: 'chat',
      provider: 'openai',
      requestModel: 'gpt-4o',
      responseModel: 'gpt-4o-2024-08-06',
      usageCounted: true,
    });
    expect(inner.usage).toMatchObject({ inputTokens: 400, outputTokens: 50, totalTokens: 450 });
    expect(inner.costUsd).toBeCloseTo((400 * 2.5 + 50 * 10) / 1e6, 12);
  });

  it('reads ai.prompt.messages in the AI SDK message format', () => {
    const inner = llmOf(byName(normalizeSpans(ai4Spans()), 'ai.generateText.doGenerate'));
    expect(inner.systemInstructions).toEqual([{ type: 'text', content: 'You are a weather assistant.' }]);
    expect(inner.inputMessages).toEqual([
      {
        role: 'user',
        parts: [
          { type: 'text', content: 'Weather here?' },
          { type: 'uri', modality: 'image', mimeType: 'image/jpeg', uri: 'https://img.test/sky.jpg' },
        ],
      },
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'Need the location.' },
          { type: 'tool_call', id: 'call_1', name: 'locate', arguments: {} },
        ],
      },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: { city: 'Lyon' } }] },
    ]);
  });

  it('reads the response text, tool calls and finish reason', () => {
    const inner = llmOf(byName(normalizeSpans(ai4Spans()), 'ai.generateText.doGenerate'));
    expect(inner.outputMessages).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: 'Sunny in Lyon.' },
          { type: 'tool_call', id: 'call_2', name: 'forecast', arguments: '{"city":"Lyon"}' },
        ],
        finishReason: 'tool-calls',
      },
    ]);
    expect(inner.toolCalls).toEqual([{ id: 'call_2', name: 'forecast', arguments: '{"city":"Lyon"}' }]);
    expect(inner.finishReasons).toEqual(['tool_call']);
  });

  it('reads the outer ai.prompt with system and prompt', () => {
    const outer = llmOf(byName(normalizeSpans(ai4Spans()), 'ai.generateText'));
    expect(outer.systemInstructions).toEqual([{ type: 'text', content: 'You are a weather assistant.' }]);
    expect(outer.inputMessages).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Weather here?' }] },
    ]);
  });

  it('reads telemetry metadata into user, session, tags, prompt and metadata', () => {
    const record = byName(normalizeSpans(ai4Spans()), 'ai.generateText.doGenerate');
    expect(record).toMatchObject({
      userId: 'user-9',
      sessionId: 'chat-9',
      tags: ['web', 'beta'],
      promptName: 'weather-system',
      promptVersion: '7',
      metadata: { plan: 'pro', functionId: 'weather-chat' },
    });
  });

  it('reads ai 5/6 usage names with cached and reasoning tokens counted once', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          name: 'ai.streamText.doStream',
          attributes: {
            'ai.operationId': 'ai.streamText.doStream',
            'ai.model.id': 'o4-mini',
            'ai.model.provider': 'openai.responses',
            'ai.usage.inputTokens': 2000,
            'ai.usage.outputTokens': 900,
            'ai.usage.totalTokens': 2900,
            'ai.usage.cachedInputTokens': 1500,
            'ai.usage.reasoningTokens': 700,
            'ai.response.reasoning': 'Thinking about it.',
            'ai.response.text': 'Done.',
          },
        }),
      ),
    );
    expect(llm.usage).toEqual({
      inputTokens: 2000,
      outputTokens: 900,
      cacheReadInputTokens: 1500,
      cacheWriteInputTokens: null,
      reasoningTokens: 700,
      totalTokens: 2900,
      estimated: false,
    });
    expect(llm.outputMessages[0]?.parts).toEqual([
      { type: 'reasoning', content: 'Thinking about it.' },
      { type: 'text', content: 'Done.' },
    ]);
    // o4-mini: 500 x 1.10 + 1500 x 0.275 + 900 x 4.40 per 1M
    expect(llm.costUsd).toBeCloseTo((500 * 1.1 + 1500 * 0.275 + 900 * 4.4) / 1e6, 12);
  });

  it('uses the operation id when the span name carries a function id', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          name: 'ai.generateText.doGenerate my-fn',
          attributes: { 'ai.operationId': 'ai.generateText.doGenerate', 'ai.model.id': 'gpt-4o' },
        }),
      ),
    );
    expect(llm.usageCounted).toBe(true);
  });

  it('reads ai.toolCall spans', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          name: 'ai.toolCall',
          attributes: {
            'ai.operationId': 'ai.toolCall',
            'ai.toolCall.name': 'forecast',
            'ai.toolCall.id': 'call_2',
            'ai.toolCall.args': '{"city":"Lyon"}',
            'ai.toolCall.result': '{"temp":21}',
          },
        }),
      ),
    );
    expect(llm).toMatchObject({ operation: 'execute_tool', usageCounted: false, costUsd: null });
    expect(llm.toolCalls).toEqual([{ id: 'call_2', name: 'forecast', arguments: '{"city":"Lyon"}' }]);
    expect(llm.outputMessages[0]?.parts).toEqual([
      { type: 'tool_call_response', id: 'call_2', response: { temp: 21 } },
    ]);
  });

  it('counts ai.embed.doEmbed and not ai.embed', () => {
    const records = normalizeSpans([
      span({
        spanId: sid(1),
        name: 'ai.embed',
        attributes: {
          'ai.operationId': 'ai.embed',
          'ai.model.id': 'text-embedding-3-small',
          'ai.model.provider': 'openai.embedding',
          'ai.value': '"sunny day"',
          'ai.embedding': '[0.1,0.2]',
          'ai.usage.tokens': 3,
        },
      }),
      span({
        spanId: sid(2),
        parentSpanId: sid(1),
        name: 'ai.embed.doEmbed',
        attributes: {
          'ai.operationId': 'ai.embed.doEmbed',
          'ai.model.id': 'text-embedding-3-small',
          'ai.model.provider': 'openai.embedding',
          'ai.values': ['"sunny day"'],
          'ai.embeddings': ['[0.1,0.2]'],
          'ai.usage.tokens': 3,
        },
      }),
    ]);
    expect(llmOf(records[0])).toMatchObject({ operation: 'embeddings', usageCounted: false });
    const inner = llmOf(records[1]);
    expect(inner).toMatchObject({ operation: 'embeddings', provider: 'openai', usageCounted: true });
    expect(inner.inputMessages).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'sunny day' }] }]);
    expect(inner.usage.inputTokens).toBe(3);
    expect(records[1]?.attributes['ai.embeddings']).toBeUndefined();
  });
});
