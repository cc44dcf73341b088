import type { AttributeValue, OtlpSpan } from '@driftwatch/contracts';
import { describe, expect, it } from 'vitest';
import { normalizeTraceRequest } from './index.js';
import { event, llmOf, normalizeOne, request, sid, span } from './testing/otlp-builders.js';

const chat = (attributes: Record<string, AttributeValue>) =>
  span({ attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', ...attributes } });

describe('malformed input never throws and keeps the span', () => {
  it('keeps malformed gen_ai message JSON as raw text', () => {
    const llm = llmOf(
      normalizeOne(
        chat({
          'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"trunc',
          'gen_ai.output.messages': 'not json at all',
          'gen_ai.system_instructions': '{oops',
          'gen_ai.usage.input_tokens': 10,
        }),
      ),
    );
    expect(llm.inputMessages).toEqual([
      {
        role: 'user',
        parts: [{ type: 'text', content: '[{"role":"user","parts":[{"type":"text","content":"trunc' }],
      },
    ]);
    expect(llm.outputMessages).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'not json at all' }] },
    ]);
    expect(llm.systemInstructions).toEqual([{ type: 'text', content: '{oops' }]);
    expect(llm.usage.inputTokens).toBe(10);
  });

  it('keeps a malformed gen_ai.prompt event as raw text', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          attributes: { 'gen_ai.system': 'openai' },
          events: [event('gen_ai.content.prompt', { 'gen_ai.prompt': '[{"role":' })],
        }),
      ),
    );
    expect(llm.inputMessages).toEqual([{ role: 'user', parts: [{ type: 'text', content: '[{"role":' }] }]);
  });

  it('keeps malformed AI SDK prompt and tool call JSON as raw text', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          name: 'ai.generateText.doGenerate',
          attributes: {
            'ai.model.id': 'gpt-4o',
            'ai.prompt.messages': '[{"role":"user"',
            'ai.response.toolCalls': '[{"toolName":',
          },
        }),
      ),
    );
    expect(llm.inputMessages[0]?.parts).toEqual([{ type: 'text', content: '[{"role":"user"' }]);
    expect(llm.outputMessages[0]?.parts).toEqual([{ type: 'text', content: '[{"toolName":' }]);
  });

  it('ignores malformed OpenInference invocation parameters and falls back to raw input.value', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          attributes: {
            'openinference.span.kind': 'LLM',
            'llm.model_name': 'gpt-4o',
            'llm.invocation_parameters': '{bad',
            'input.value': '{"messages": [',
            'input.mime_type': 'application/json',
          },
        }),
      ),
    );
    expect(llm.requestModel).toBe('gpt-4o');
    expect(llm.inputMessages).toEqual([
      { role: 'user', parts: [{ type: 'text', content: '{"messages": [' }] },
    ]);
  });

  it.each<[string, AttributeValue]>([
    ['a number', 42],
    ['an object', { role: 'user', content: 'x' }],
    ['JSON null', 'null'],
    ['a list of numbers', '[1,2]'],
    ['a boolean', true],
  ])('accepts gen_ai.input.messages holding %s', (_label, value) => {
    const record = normalizeOne(chat({ 'gen_ai.input.messages': value }));
    expect(record.llm).not.toBeNull();
  });

  it('reads numeric strings as token counts and drops negative ones', () => {
    const llm = llmOf(
      normalizeOne(chat({ 'gen_ai.usage.input_tokens': '120', 'gen_ai.usage.output_tokens': -5 })),
    );
    expect(llm.usage).toMatchObject({ inputTokens: 120, outputTokens: null, totalTokens: 120 });
  });

  it('handles null and nested attribute values', () => {
    const record = normalizeOne(
      chat({ 'gen_ai.provider.name': null, 'gen_ai.request.model': ['a', 'b'], 'user.id': { nested: true } }),
    );
    expect(record.llm?.provider).toBe('');
    expect(record.userId).toBe('');
  });

  it('keeps a huge message unchanged', () => {
    const huge = 'x'.repeat(2_000_000);
    const llm = llmOf(
      normalizeOne(
        chat({
          'gen_ai.input.messages': JSON.stringify([
            { role: 'user', parts: [{ type: 'text', content: huge }] },
          ]),
        }),
      ),
    );
    const part = llm.inputMessages[0]?.parts[0];
    expect(part?.type === 'text' && part.content.length).toBe(2_000_000);
  });

  it('rejects a span whose shape is broken without losing the others', () => {
    const broken = { ...span({ spanId: sid(2) }), startTimeUnixNano: 5 as unknown as bigint };
    const result = normalizeTraceRequest(request([span({ spanId: sid(1) }), broken]), { projectId: 'p' });
    expect(result.records.map((r) => r.spanId)).toEqual([sid(1)]);
    expect(result.rejected[0]?.reason).toMatch(/timestamps/);
  });

  it('tolerates missing optional collections', () => {
    const bare = {
      ...span(),
      events: undefined,
      links: undefined,
      attributes: undefined,
    } as unknown as OtlpSpan;
    const result = normalizeTraceRequest(request([bare]), { projectId: 'p' });
    expect(result.rejected).toEqual([]);
  });
});

describe('large requests', () => {
  it('handles a 20,000-span deep chain (iterative walks, linear propagation)', () => {
    const spans = Array.from({ length: 20_000 }, (_, i) =>
      span({
        spanId: sid(i + 1),
        parentSpanId: i === 0 ? '' : sid(i),
        attributes:
          i === 0
            ? { 'user.id': 'root' }
            : {
                'gen_ai.operation.name': 'chat',
                'gen_ai.request.model': 'gpt-4o',
                'gen_ai.usage.input_tokens': 1,
              },
      }),
    );
    const result = normalizeTraceRequest(request(spans), { projectId: 'p' });
    expect(result.records.every((r) => r.userId === 'root')).toBe(true);
    expect(result.records.filter((r) => r.llm?.usageCounted).map((r) => r.spanId)).toEqual([sid(20_000)]);
  }, 60_000);
});
