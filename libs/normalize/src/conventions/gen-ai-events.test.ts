import { describe, expect, it } from 'vitest';
import { event, llmOf, normalizeOne, span } from '../testing/otlp-builders.js';

describe('OTel GenAI content events', () => {
  it('reads <= v1.27 gen_ai.content.prompt / completion events', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          attributes: {
            'gen_ai.system': 'openai',
            'gen_ai.request.model': 'gpt-4o-mini',
            'gen_ai.usage.prompt_tokens': 20,
            'gen_ai.usage.completion_tokens': 4,
          },
          events: [
            event('gen_ai.content.prompt', {
              'gen_ai.prompt': JSON.stringify([
                { role: 'system', content: 'Be short.' },
                { role: 'user', content: 'Say hi' },
              ]),
            }),
            event('gen_ai.content.completion', {
              'gen_ai.completion': JSON.stringify([{ role: 'assistant', content: 'Hi!' }]),
            }),
          ],
        }),
      ),
    );
    expect(llm.systemInstructions).toEqual([{ type: 'text', content: 'Be short.' }]);
    expect(llm.inputMessages).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Say hi' }] }]);
    expect(llm.outputMessages).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'Hi!' }] }]);
    expect(llm.usage.totalTokens).toBe(24);
  });

  it('reads v1.28-v1.36 per-message events and gen_ai.choice', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.system': 'openai' },
          events: [
            event('gen_ai.system.message', { 'gen_ai.system': 'openai', content: 'Be short.' }),
            event('gen_ai.user.message', { content: 'Weather in Paris?' }),
            event('gen_ai.assistant.message', {
              tool_calls: JSON.stringify([
                {
                  id: 'call_1',
                  type: 'function',
                  function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
                },
              ]),
            }),
            event('gen_ai.tool.message', { content: 'rainy', id: 'call_1' }),
            event('gen_ai.choice', {
              index: 0,
              finish_reason: 'stop',
              message: JSON.stringify({ content: 'It is rainy.' }),
            }),
          ],
        }),
      ),
    );
    expect(llm.systemInstructions).toEqual([{ type: 'text', content: 'Be short.' }]);
    expect(llm.inputMessages).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
      },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: 'rainy' }] },
    ]);
    expect(llm.outputMessages).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'It is rainy.' }], finishReason: 'stop' },
    ]);
    expect(llm.finishReasons).toEqual(['stop']);
  });

  it('reads a gen_ai.choice with flattened message attributes and tool calls', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          attributes: { 'gen_ai.operation.name': 'chat' },
          events: [
            event('gen_ai.choice', {
              finish_reason: 'tool_calls',
              'message.role': 'assistant',
              'message.tool_calls': JSON.stringify([
                { id: 'c9', type: 'function', function: { name: 'lookup', arguments: '{}' } },
              ]),
            }),
          ],
        }),
      ),
    );
    expect(llm.toolCalls).toEqual([{ id: 'c9', name: 'lookup', arguments: '{}' }]);
    expect(llm.finishReasons).toEqual(['tool_call']);
  });

  it('reads the gen_ai.client.inference.operation.details event', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4.1' },
          events: [
            event('gen_ai.client.inference.operation.details', {
              'gen_ai.input.messages': JSON.stringify([
                { role: 'user', parts: [{ type: 'text', content: 'Q' }] },
              ]),
              'gen_ai.output.messages': JSON.stringify([
                { role: 'assistant', parts: [{ type: 'text', content: 'A' }], finish_reason: 'stop' },
              ]),
              'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'S' }]),
            }),
          ],
        }),
      ),
    );
    expect(llm.inputMessages).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Q' }] }]);
    expect(llm.outputMessages[0]?.parts).toEqual([{ type: 'text', content: 'A' }]);
    expect(llm.systemInstructions).toEqual([{ type: 'text', content: 'S' }]);
  });

  it('prefers message attributes over older events', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.input.messages': JSON.stringify([
              { role: 'user', parts: [{ type: 'text', content: 'new' }] },
            ]),
          },
          events: [event('gen_ai.user.message', { content: 'old' })],
        }),
      ),
    );
    expect(llm.inputMessages).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'new' }] }]);
  });
});

describe('pre-1.28 content on span attributes', () => {
  it('reads gen_ai.prompt / gen_ai.completion set on the span itself', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          attributes: {
            'gen_ai.system': 'openai',
            'gen_ai.prompt': JSON.stringify([{ role: 'user', content: 'Hi' }]),
            'gen_ai.completion': 'Hello there',
          },
        }),
      ),
    );
    expect(llm.inputMessages).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Hi' }] }]);
    expect(llm.outputMessages).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Hello there' }] },
    ]);
  });

  it('does not take a span with only a prompt name for an LLM call', () => {
    expect(normalizeOne(span({ attributes: { 'gen_ai.prompt.name': 'greeting' } })).llm).toBeNull();
  });
});
