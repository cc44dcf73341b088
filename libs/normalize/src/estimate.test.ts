import { describe, expect, it } from 'vitest';
import { approximateTokens, estimateUsage } from './estimate.js';
import { llmOf, normalizeSpans, span, sid } from './testing/otlp-builders.js';

describe('token approximation', () => {
  it('counts about four ASCII characters per token', () => {
    expect(approximateTokens('')).toBe(0);
    expect(approximateTokens('abcd')).toBe(1);
    expect(approximateTokens('What is the weather in Paris today?')).toBe(9);
  });

  it('counts non-ASCII scripts finer (CJK is near one token per character)', () => {
    expect(approximateTokens('東京の天気は？')).toBe(6);
  });
});

describe('usage estimate of a call without usage', () => {
  const conversation = {
    operation: 'chat',
    requestModel: 'gpt-4o-mini',
    responseModel: '',
    systemInstructions: [{ type: 'text' as const, content: 'Be brief.' }],
    inputMessages: [
      { role: 'user', parts: [{ type: 'text' as const, content: 'What is the weather in Paris?' }] },
    ],
    outputMessages: [
      { role: 'assistant', parts: [{ type: 'text' as const, content: 'Sunny, 21 degrees.' }] },
    ],
  };

  it('counts system and input messages with their overhead as input, the answer as output', () => {
    // input: (3 + 3) system + (3 + 8) user + 3 priming; output: 5
    expect(estimateUsage(conversation)).toEqual({
      inputTokens: 20,
      outputTokens: 5,
      cacheReadInputTokens: null,
      cacheWriteInputTokens: null,
      reasoningTokens: null,
      totalTokens: 25,
      estimated: true,
    });
  });

  it('counts tool calls and tool results', () => {
    const withTools = estimateUsage({
      ...conversation,
      systemInstructions: [],
      inputMessages: [
        { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: '{"temp":21}' }] },
      ],
      outputMessages: [
        {
          role: 'assistant',
          parts: [{ type: 'tool_call', name: 'get_weather', arguments: { city: 'Paris' } }],
        },
      ],
    });
    expect(withTools?.inputTokens).toBe(3 + 3 + 3);
    expect(withTools?.outputTokens).toBe(approximateTokens('get_weather {"city":"Paris"}'));
  });

  it('counts embeddings inputs as plain texts, without chat overhead', () => {
    const embedding = estimateUsage({
      ...conversation,
      operation: 'embeddings',
      systemInstructions: [],
      inputMessages: [
        { role: 'user', parts: [{ type: 'text', content: 'drift detection' }] },
        { role: 'user', parts: [{ type: 'text', content: 'token usage' }] },
      ],
      outputMessages: [],
    });
    expect(embedding).toMatchObject({
      inputTokens: 4 + 3,
      outputTokens: null,
      totalTokens: 7,
      estimated: true,
    });
  });

  it('uses the token counter it is given', () => {
    expect(estimateUsage(conversation, () => 1)?.outputTokens).toBe(1);
  });

  it('has nothing to estimate without messages', () => {
    expect(
      estimateUsage({ ...conversation, systemInstructions: [], inputMessages: [], outputMessages: [] }),
    ).toBeNull();
  });
});

describe('estimates on records', () => {
  const messages = {
    'gen_ai.input.messages': JSON.stringify([
      { role: 'user', parts: [{ type: 'text', content: 'Hello there, model!' }] },
    ]),
    'gen_ai.output.messages': JSON.stringify([
      { role: 'assistant', parts: [{ type: 'text', content: 'Hi! How can I help?' }], finish_reason: 'stop' },
    ]),
  };
  const chat = (attributes: Record<string, string | number>, id = 1, parent = '') =>
    span({
      spanId: sid(id),
      parentSpanId: parent,
      name: `chat ${id}`,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        ...messages,
        ...attributes,
      },
    });

  it('estimates a streamed call that reported no usage, marks it and prices it', () => {
    const llm = llmOf(normalizeSpans([chat({})])[0]);
    expect(llm.usage).toMatchObject({ inputTokens: 3 + 5 + 3, outputTokens: 5, estimated: true });
    expect(llm.costUsd).toBeCloseTo((11 * 0.15 + 5 * 0.6) / 1e6, 12);
  });

  it('never replaces reported usage, even partial', () => {
    const llm = llmOf(normalizeSpans([chat({ 'gen_ai.usage.input_tokens': 40 })])[0]);
    expect(llm.usage).toMatchObject({ inputTokens: 40, outputTokens: null, estimated: false });
  });

  it('does not estimate a wrapper that repeats an inner call', () => {
    const [outer, inner] = normalizeSpans([chat({}, 1), chat({}, 2, sid(1))]);
    expect(llmOf(outer).usage).toMatchObject({ inputTokens: null, estimated: false });
    expect(llmOf(outer).usageCounted).toBe(false);
    expect(llmOf(inner).usage.estimated).toBe(true);
  });
});
