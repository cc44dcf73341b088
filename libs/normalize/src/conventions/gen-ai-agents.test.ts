import { describe, expect, it } from 'vitest';
import { llmOf, normalizeOne, normalizeSpans, sid, span } from '../testing/otlp-builders.js';

describe('OTel GenAI agents', () => {
  it('counts the chat spans of an agent once (invoke_agent repeats their usage)', () => {
    const records = normalizeSpans([
      span({
        spanId: sid(1),
        name: 'invoke_agent weather',
        attributes: {
          'gen_ai.operation.name': 'invoke_agent',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.usage.input_tokens': 300,
          'gen_ai.usage.output_tokens': 40,
        },
      }),
      span({
        spanId: sid(2),
        parentSpanId: sid(1),
        name: 'chat gpt-4o-mini',
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.usage.input_tokens': 100,
          'gen_ai.usage.output_tokens': 30,
        },
      }),
      span({
        spanId: sid(3),
        parentSpanId: sid(1),
        name: 'execute_tool get_weather',
        attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather' },
      }),
      span({
        spanId: sid(4),
        parentSpanId: sid(1),
        name: 'chat gpt-4o-mini',
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.usage.input_tokens': 200,
          'gen_ai.usage.output_tokens': 10,
        },
      }),
    ]);
    const counted = records.filter((r) => r.llm?.usageCounted);
    expect(counted.map((r) => r.spanId)).toEqual([sid(2), sid(4)]);
    expect(counted.reduce((sum, r) => sum + (r.llm?.usage.inputTokens ?? 0), 0)).toBe(300);
    const agent = llmOf(records[0]);
    expect(agent).toMatchObject({ operation: 'invoke_agent', usageCounted: false, costUsd: null });
    expect(agent.usage.inputTokens).toBe(300);
  });

  it.each(['invoke_workflow', 'create_agent', 'agent_step'])('never counts a %s span', (operation) => {
    const llm = llmOf(
      normalizeOne(
        span({
          attributes: {
            'gen_ai.operation.name': operation,
            'gen_ai.request.model': 'gpt-4o',
            'gen_ai.usage.input_tokens': 5,
          },
        }),
      ),
    );
    expect(llm.usageCounted).toBe(false);
    expect(llm.costUsd).toBeNull();
  });
});
