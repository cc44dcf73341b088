import { describe, expect, it } from 'vitest';
import { llmOf, normalizeOne, span } from '../testing/otlp-builders.js';

const chatV137 = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o',
  'gen_ai.response.model': 'gpt-4o-2024-08-06',
  'gen_ai.response.finish_reasons': ['stop'],
  'gen_ai.usage.input_tokens': 120,
  'gen_ai.usage.output_tokens': 30,
  'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'You are terse.' }]),
  'gen_ai.input.messages': JSON.stringify([
    { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
    {
      role: 'assistant',
      parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }],
    },
    { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: 'rainy, 12C' }] },
  ]),
  'gen_ai.output.messages': JSON.stringify([
    { role: 'assistant', parts: [{ type: 'text', content: 'Rainy, 12C.' }], finish_reason: 'stop' },
  ]),
};

describe('OTel GenAI conventions', () => {
  it('reads a v1.37+ chat span with JSON-string messages', () => {
    const record = normalizeOne(span({ name: 'chat gpt-4o', kind: 3, attributes: chatV137 }));
    const llm = llmOf(record);
    expect(llm).toMatchObject({
      operation: 'chat',
      provider: 'openai',
      requestModel: 'gpt-4o',
      responseModel: 'gpt-4o-2024-08-06',
      convention: 'gen_ai',
      finishReasons: ['stop'],
      usageCounted: true,
    });
    expect(llm.systemInstructions).toEqual([{ type: 'text', content: 'You are terse.' }]);
    expect(llm.inputMessages).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }],
      },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: 'rainy, 12C' }] },
    ]);
    expect(llm.outputMessages).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Rainy, 12C.' }], finishReason: 'stop' },
    ]);
    expect(llm.usage).toEqual({
      inputTokens: 120,
      outputTokens: 30,
      cacheReadInputTokens: null,
      cacheWriteInputTokens: null,
      reasoningTokens: null,
      totalTokens: 150,
      estimated: false,
    });
    // gpt-4o: 120 x 2.50 + 30 x 10 per 1M
    expect(llm.costUsd).toBeCloseTo((120 * 2.5 + 30 * 10) / 1e6, 12);
  });

  it('reads messages given as structured attribute values', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': 'anthropic',
            'gen_ai.request.model': 'claude-sonnet-4-20250514',
            'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }],
            'gen_ai.output.messages': [
              {
                role: 'assistant',
                parts: [
                  { type: 'reasoning', content: 'thinking...' },
                  { type: 'text', content: 'hello' },
                ],
                finish_reason: 'end_turn',
              },
            ],
            'gen_ai.system_instructions': [{ type: 'text', content: 'be kind' }],
          },
        }),
      ),
    );
    expect(llm.inputMessages).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]);
    expect(llm.outputMessages[0]?.parts).toEqual([
      { type: 'reasoning', content: 'thinking...' },
      { type: 'text', content: 'hello' },
    ]);
    expect(llm.finishReasons).toEqual(['stop']);
    expect(llm.systemInstructions).toEqual([{ type: 'text', content: 'be kind' }]);
  });

  it('moves system-role input messages to systemInstructions', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.request.model': 'gpt-4o',
            'gen_ai.input.messages': JSON.stringify([
              { role: 'system', parts: [{ type: 'text', content: 'Rules.' }] },
              { role: 'user', parts: [{ type: 'text', content: 'Q' }] },
            ]),
          },
        }),
      ),
    );
    expect(llm.systemInstructions).toEqual([{ type: 'text', content: 'Rules.' }]);
    expect(llm.inputMessages.map((m) => m.role)).toEqual(['user']);
  });

  it('does not duplicate a system prompt given both ways', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Rules.' }]),
            'gen_ai.input.messages': JSON.stringify([
              { role: 'system', parts: [{ type: 'text', content: 'Rules.' }] },
              { role: 'user', parts: [{ type: 'text', content: 'Q' }] },
            ]),
          },
        }),
      ),
    );
    expect(llm.systemInstructions).toEqual([{ type: 'text', content: 'Rules.' }]);
  });

  it('lists output tool calls with arguments as strings', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.output.messages': JSON.stringify([
              {
                role: 'assistant',
                finish_reason: 'tool_call',
                parts: [
                  { type: 'tool_call', id: 'c1', name: 'search', arguments: { q: 'otel' } },
                  { type: 'tool_call', id: 'c2', name: 'now', arguments: '{}' },
                ],
              },
            ]),
          },
        }),
      ),
    );
    expect(llm.toolCalls).toEqual([
      { id: 'c1', name: 'search', arguments: '{"q":"otel"}' },
      { id: 'c2', name: 'now', arguments: '{}' },
    ]);
    expect(llm.finishReasons).toEqual(['tool_call']);
  });

  it('converts blob, uri, file and unknown parts', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.input.messages': JSON.stringify([
              {
                role: 'user',
                parts: [
                  { type: 'blob', modality: 'image', mime_type: 'image/png', content: 'iVBOR' },
                  { type: 'uri', modality: 'image', uri: 'https://x.test/a.png' },
                  { type: 'file', modality: 'document', file_id: 'file-123' },
                  { type: 'server_tool_call', name: 'web_search' },
                ],
              },
            ]),
          },
        }),
      ),
    );
    expect(llm.inputMessages[0]?.parts).toEqual([
      { type: 'blob', modality: 'image', mimeType: 'image/png', content: 'iVBOR' },
      { type: 'uri', modality: 'image', uri: 'https://x.test/a.png' },
      { type: 'file', modality: 'document', fileId: 'file-123' },
      { type: 'generic', value: { type: 'server_tool_call', name: 'web_search' } },
    ]);
  });

  it('reads an embeddings span', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          name: 'embeddings text-embedding-3-small',
          attributes: {
            'gen_ai.operation.name': 'embeddings',
            'gen_ai.provider.name': 'openai',
            'gen_ai.request.model': 'text-embedding-3-small',
            'gen_ai.usage.input_tokens': 1000,
          },
        }),
      ),
    );
    expect(llm).toMatchObject({ operation: 'embeddings', usageCounted: true });
    expect(llm.usage.totalTokens).toBe(1000);
    expect(llm.costUsd).toBeCloseTo(0.00002, 12);
  });

  it('reads an execute_tool span as a tool call that is never counted', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          name: 'execute_tool get_weather',
          attributes: {
            'gen_ai.operation.name': 'execute_tool',
            'gen_ai.tool.name': 'get_weather',
            'gen_ai.tool.call.id': 'call_1',
            'gen_ai.tool.call.arguments': '{"city":"Paris"}',
            'gen_ai.tool.call.result': '{"temp":12}',
          },
        }),
      ),
    );
    expect(llm.operation).toBe('execute_tool');
    expect(llm.toolCalls).toEqual([{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }]);
    expect(llm.outputMessages).toEqual([
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: '{"temp":12}' }] },
    ]);
    expect(llm.usageCounted).toBe(false);
    expect(llm.costUsd).toBeNull();
  });

  it('gives no llm call to a span without GenAI attributes', () => {
    expect(normalizeOne(span({ attributes: { 'http.method': 'GET' } })).llm).toBeNull();
  });

  it('gives no llm call to a retrieval span without model or usage', () => {
    expect(
      normalizeOne(
        span({ attributes: { 'gen_ai.operation.name': 'retrieval', 'gen_ai.data_source.id': 'x' } }),
      ).llm,
    ).toBeNull();
  });
});
