import { describe, expect, it } from 'vitest';
import { llmOf, normalizeOne, normalizeSpans, sid, span } from '../testing/otlp-builders.js';

const oldForm = {
  'llm.request.type': 'chat',
  'gen_ai.system': 'OpenAI',
  'gen_ai.request.model': 'gpt-4o-mini',
  'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
  'gen_ai.prompt.0.role': 'system',
  'gen_ai.prompt.0.content': 'You answer with tools.',
  'gen_ai.prompt.1.role': 'user',
  'gen_ai.prompt.1.content': 'Weather in Oslo?',
  'gen_ai.prompt.2.role': 'assistant',
  'gen_ai.prompt.2.tool_calls.0.id': 'call_a',
  'gen_ai.prompt.2.tool_calls.0.name': 'get_weather',
  'gen_ai.prompt.2.tool_calls.0.arguments': '{"city":"Oslo"}',
  'gen_ai.prompt.3.role': 'tool',
  'gen_ai.prompt.3.tool_call_id': 'call_a',
  'gen_ai.prompt.3.content': '-3C',
  'gen_ai.completion.0.role': 'assistant',
  'gen_ai.completion.0.finish_reason': 'tool_calls',
  'gen_ai.completion.0.tool_calls.0.id': 'call_b',
  'gen_ai.completion.0.tool_calls.0.name': 'get_forecast',
  'gen_ai.completion.0.tool_calls.0.arguments': '{"city":"Oslo","days":3}',
  'gen_ai.usage.prompt_tokens': 90,
  'gen_ai.usage.completion_tokens': 21,
  'llm.usage.total_tokens': 111,
  'traceloop.association.properties.user_id': 'u-7',
  'traceloop.association.properties.session_id': 's-7',
  'traceloop.association.properties.tenant': 'acme',
};

describe('OpenLLMetry (Traceloop)', () => {
  it('reads the old flattened form', () => {
    const record = normalizeOne(span({ name: 'openai.chat', kind: 3, attributes: oldForm }));
    const llm = llmOf(record);
    expect(llm).toMatchObject({
      convention: 'openllmetry',
      operation: 'chat',
      provider: 'openai',
      requestModel: 'gpt-4o-mini',
      responseModel: 'gpt-4o-mini-2024-07-18',
      usageCounted: true,
    });
    expect(llm.systemInstructions).toEqual([{ type: 'text', content: 'You answer with tools.' }]);
    expect(llm.inputMessages).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Oslo?' }] },
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: 'call_a', name: 'get_weather', arguments: '{"city":"Oslo"}' }],
      },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_a', response: '-3C' }] },
    ]);
    expect(llm.outputMessages).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'tool_call', id: 'call_b', name: 'get_forecast', arguments: '{"city":"Oslo","days":3}' },
        ],
        finishReason: 'tool_call',
      },
    ]);
    expect(llm.toolCalls).toEqual([
      { id: 'call_b', name: 'get_forecast', arguments: '{"city":"Oslo","days":3}' },
    ]);
    expect(llm.finishReasons).toEqual(['tool_call']);
    expect(llm.usage).toMatchObject({ inputTokens: 90, outputTokens: 21, totalTokens: 111 });
    // gpt-4o-mini (date suffix stripped): 90 x 0.15 + 21 x 0.60 per 1M
    expect(llm.costUsd).toBeCloseTo((90 * 0.15 + 21 * 0.6) / 1e6, 12);
  });

  it('reads association properties into user, session and metadata', () => {
    const record = normalizeOne(span({ attributes: oldForm }));
    expect(record.userId).toBe('u-7');
    expect(record.sessionId).toBe('s-7');
    expect(record.metadata).toEqual({ tenant: 'acme' });
  });

  it('reads camelCase association properties', () => {
    const record = normalizeOne(
      span({
        attributes: {
          'traceloop.association.properties.userId': 'u-8',
          'traceloop.association.properties.sessionId': 's-8',
        },
      }),
    );
    expect([record.userId, record.sessionId]).toEqual(['u-8', 's-8']);
  });

  it('reads multimodal prompt content given as a JSON string of parts', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          attributes: {
            'llm.request.type': 'chat',
            'gen_ai.prompt.0.role': 'user',
            'gen_ai.prompt.0.content': JSON.stringify([
              { type: 'text', text: 'What is this?' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            ]),
          },
        }),
      ),
    );
    expect(llm.inputMessages[0]?.parts).toEqual([
      { type: 'text', content: 'What is this?' },
      { type: 'blob', modality: 'image', mimeType: 'image/png', content: 'iVBORw0KGgo=' },
    ]);
  });

  it('keeps JSON-looking answer text as text', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          attributes: {
            'llm.request.type': 'chat',
            'gen_ai.completion.0.role': 'assistant',
            'gen_ai.completion.0.content': '{"answer":42}',
          },
        }),
      ),
    );
    expect(llm.outputMessages[0]?.parts).toEqual([{ type: 'text', content: '{"answer":42}' }]);
  });

  it.each([
    ['completion', 'text_completion'],
    ['embedding', 'embeddings'],
  ])('maps llm.request.type %s to operation %s', (type, operation) => {
    const llm = llmOf(
      normalizeOne(span({ attributes: { 'llm.request.type': type, 'gen_ai.system': 'openai' } })),
    );
    expect(llm.operation).toBe(operation);
  });

  it('reads the new form (JS 0.23+) as OpenLLMetry when the scope is Traceloop', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          name: 'chat gpt-4o-mini',
          attributes: {
            'gen_ai.provider.name': 'openai',
            'gen_ai.operation.name': 'chat',
            'gen_ai.request.model': 'gpt-4o-mini',
            'gen_ai.input.messages': JSON.stringify([
              { role: 'system', parts: [{ type: 'text', content: 'S' }] },
              { role: 'user', parts: [{ type: 'text', content: 'Q' }] },
            ]),
            'gen_ai.output.messages': JSON.stringify([
              {
                role: 'assistant',
                finish_reason: 'tool_call',
                parts: [{ type: 'tool_call', id: 'c', name: 'f', arguments: { a: 1 } }],
              },
            ]),
            'gen_ai.response.finish_reasons': ['tool_call'],
            'gen_ai.usage.input_tokens': 35,
            'gen_ai.usage.output_tokens': 12,
            'gen_ai.usage.total_tokens': 47,
          },
        }),
        '@traceloop/instrumentation-openai',
      ),
    );
    expect(llm.convention).toBe('openllmetry');
    expect(llm.systemInstructions).toEqual([{ type: 'text', content: 'S' }]);
    expect(llm.inputMessages).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Q' }] }]);
    expect(llm.toolCalls).toEqual([{ id: 'c', name: 'f', arguments: '{"a":1}' }]);
    expect(llm.usage.totalTokens).toBe(47);
  });

  it('never counts workflow/task/agent spans and gives them no llm call without model data', () => {
    const props = { 'traceloop.association.properties.user_id': 'u-1' };
    const records = normalizeSpans([
      span({
        spanId: sid(1),
        name: 'plan.workflow',
        attributes: { 'traceloop.span.kind': 'workflow', 'traceloop.workflow.name': 'plan', ...props },
      }),
      span({
        spanId: sid(2),
        parentSpanId: sid(1),
        name: 'planner.agent',
        attributes: { 'traceloop.span.kind': 'agent', 'traceloop.entity.name': 'planner', ...props },
      }),
      span({ spanId: sid(3), parentSpanId: sid(2), name: 'openai.chat', attributes: { ...oldForm } }),
    ]);
    expect(records[0]?.llm).toBeNull();
    expect(records[1]?.llm).toBeNull();
    expect(llmOf(records[2]).usageCounted).toBe(true);
    expect(records.map((r) => r.userId)).toEqual(['u-1', 'u-1', 'u-7']);
  });

  it('reads a Traceloop tool span', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          name: 'get_weather.tool',
          attributes: {
            'traceloop.span.kind': 'tool',
            'traceloop.entity.name': 'get_weather',
            'traceloop.entity.input': '{"args":["Paris"]}',
            'traceloop.entity.output': '"sunny"',
          },
        }),
      ),
    );
    expect(llm).toMatchObject({ operation: 'execute_tool', convention: 'openllmetry', usageCounted: false });
    expect(llm.toolCalls).toEqual([{ name: 'get_weather', arguments: '{"args":["Paris"]}' }]);
  });

  it('reads managed prompt name and version', () => {
    const record = normalizeOne(
      span({ attributes: { ...oldForm, 'traceloop.prompt.key': 'weather', 'traceloop.prompt.version': 4 } }),
    );
    expect([record.promptName, record.promptVersion]).toEqual(['weather', '4']);
  });
});

describe('Traceloop SDK spans with model data', () => {
  it('gives a workflow span that reports usage an uncounted llm call', () => {
    const records = normalizeSpans([
      span({
        spanId: sid(1),
        name: 'answer.workflow',
        attributes: {
          'traceloop.span.kind': 'workflow',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.usage.input_tokens': 10,
        },
      }),
      span({ spanId: sid(2), parentSpanId: sid(1), name: 'openai.chat', attributes: oldForm }),
    ]);
    expect(llmOf(records[0])).toMatchObject({
      convention: 'openllmetry',
      usageCounted: false,
      costUsd: null,
    });
    expect(llmOf(records[1]).usageCounted).toBe(true);
  });
});
