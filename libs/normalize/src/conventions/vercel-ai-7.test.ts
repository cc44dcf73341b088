import { describe, expect, it } from 'vitest';
import { llmOf, normalizeSpans, sid, span } from '../testing/otlp-builders.js';

describe('Vercel AI SDK 7 (@ai-sdk/otel)', () => {
  it('counts invoke_agent -> step -> chat usage once, on the chat spans', () => {
    const usage = (input: number, output: number) => ({
      'gen_ai.usage.input_tokens': input,
      'gen_ai.usage.output_tokens': output,
    });
    const records = normalizeSpans(
      [
        span({
          spanId: sid(1),
          name: 'invoke_agent gpt-4o-mini',
          attributes: {
            'gen_ai.operation.name': 'invoke_agent',
            'gen_ai.provider.name': 'openai',
            'gen_ai.request.model': 'gpt-4o-mini',
            ...usage(300, 60),
          },
        }),
        span({
          spanId: sid(2),
          parentSpanId: sid(1),
          name: 'step 1',
          attributes: { 'gen_ai.operation.name': 'agent_step', ...usage(100, 20) },
        }),
        span({
          spanId: sid(3),
          parentSpanId: sid(2),
          name: 'chat gpt-4o-mini',
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': 'openai',
            'gen_ai.request.model': 'gpt-4o-mini',
            ...usage(100, 20),
          },
        }),
        span({
          spanId: sid(4),
          parentSpanId: sid(1),
          name: 'step 2',
          attributes: { 'gen_ai.request.model': 'gpt-4o-mini', ...usage(200, 40) },
        }),
        span({
          spanId: sid(5),
          parentSpanId: sid(4),
          name: 'chat gpt-4o-mini',
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': 'openai',
            'gen_ai.request.model': 'gpt-4o-mini',
            ...usage(200, 40),
          },
        }),
      ],
      'ai',
    );
    const counted = records.filter((r) => r.llm?.usageCounted).map((r) => r.spanId);
    expect(counted).toEqual([sid(3), sid(5)]);
    const totalInput = records
      .filter((r) => r.llm?.usageCounted)
      .reduce((sum, r) => sum + (r.llm?.usage.inputTokens ?? 0), 0);
    expect(totalInput).toBe(300);
    expect(records.filter((r) => r.llm?.costUsd !== null && r.llm?.costUsd !== undefined)).toHaveLength(2);
    expect(llmOf(records[3]).usageCounted).toBe(false);
  });
});
