import { describe, expect, it } from 'vitest';
import { llmOf, normalizeOne, span } from '../testing/otlp-builders.js';

describe('OTel GenAI provider and usage', () => {
  it.each([
    ['vertex_ai', 'gcp.vertex_ai'],
    ['gemini', 'gcp.gemini'],
    ['az.ai.inference', 'azure.ai.inference'],
    ['az.ai.openai', 'azure.ai.openai'],
    ['openai', 'openai'],
    ['aws.bedrock', 'aws.bedrock'],
  ])('maps the pre-1.37 gen_ai.system value %s to provider %s', (system, provider) => {
    const llm = llmOf(
      normalizeOne(span({ attributes: { 'gen_ai.system': system, 'gen_ai.request.model': 'm' } })),
    );
    expect(llm.provider).toBe(provider);
  });

  it('prefers gen_ai.provider.name over gen_ai.system', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.system': 'openai',
            'gen_ai.provider.name': 'azure.ai.openai',
          },
        }),
      ),
    );
    expect(llm.provider).toBe('azure.ai.openai');
  });

  it('reads pre-1.28 usage names and a reported total', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          attributes: {
            'gen_ai.system': 'openai',
            'gen_ai.request.model': 'gpt-4o-mini',
            'gen_ai.usage.prompt_tokens': 10,
            'gen_ai.usage.completion_tokens': 5,
            'gen_ai.usage.total_tokens': 16,
          },
        }),
      ),
    );
    expect(llm.operation).toBe('chat');
    expect(llm.usage).toMatchObject({ inputTokens: 10, outputTokens: 5, totalTokens: 16 });
  });

  it('prefers the current usage names over the older ones', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.usage.input_tokens': 100,
            'gen_ai.usage.prompt_tokens': 1,
            'gen_ai.usage.output_tokens': 50,
            'gen_ai.usage.completion_tokens': 2,
          },
        }),
      ),
    );
    expect(llm.usage).toMatchObject({ inputTokens: 100, outputTokens: 50, totalTokens: 150 });
  });

  it('reads cache and reasoning tokens without adding them to input and output', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.request.model': 'claude-3-5-sonnet-20241022',
            'gen_ai.usage.input_tokens': 1000,
            'gen_ai.usage.output_tokens': 200,
            'gen_ai.usage.cache_read.input_tokens': 600,
            'gen_ai.usage.cache_creation.input_tokens': 300,
            'gen_ai.usage.reasoning.output_tokens': 150,
          },
        }),
      ),
    );
    expect(llm.usage).toEqual({
      inputTokens: 1000,
      outputTokens: 200,
      cacheReadInputTokens: 600,
      cacheWriteInputTokens: 300,
      reasoningTokens: 150,
      totalTokens: 1200,
      estimated: false,
    });
    // claude-3-5-sonnet: input 3, cache read 0.30, cache write 3.75, output 15 per 1M
    expect(llm.costUsd).toBeCloseTo((100 * 3 + 600 * 0.3 + 300 * 3.75 + 200 * 15) / 1e6, 12);
  });

  it('reads the cache_write name that replaces cache_creation', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.usage.input_tokens': 10,
            'gen_ai.usage.cache_write.input_tokens': 4,
          },
        }),
      ),
    );
    expect(llm.usage.cacheWriteInputTokens).toBe(4);
  });
});
