import { describe, expect, it } from 'vitest';
import { normalizeProvider } from './provider.js';
import { finalizeUsage } from './usage.js';

describe('normalizeProvider', () => {
  it.each([
    ['OpenAI', 'openai'],
    ['Anthropic', 'anthropic'],
    [' openai ', 'openai'],
    ['openai.chat', 'openai'],
    ['openai.responses', 'openai'],
    ['anthropic.messages', 'anthropic'],
    ['vertex_ai', 'gcp.vertex_ai'],
    ['vertexai', 'gcp.vertex_ai'],
    ['gemini', 'gcp.gemini'],
    ['google', 'gcp.gen_ai'],
    ['gcp.vertex_ai', 'gcp.vertex_ai'],
    ['az.ai.inference', 'azure.ai.inference'],
    ['azure.ai.openai', 'azure.ai.openai'],
    ['Azure', 'azure.ai.openai'],
    ['aws.bedrock', 'aws.bedrock'],
    ['Bedrock', 'aws.bedrock'],
    ['mistralai', 'mistral_ai'],
    ['xai', 'x_ai'],
    ['ibm.watsonx.ai', 'ibm.watsonx.ai'],
    ['groq', 'groq'],
    ['', ''],
  ])('maps %j to %j', (input, expected) => {
    expect(normalizeProvider(input)).toBe(expected);
  });
});

describe('finalizeUsage', () => {
  it('computes the total from input and output when absent', () => {
    expect(finalizeUsage({ inputTokens: 10, outputTokens: 5 }).totalTokens).toBe(15);
  });

  it('keeps a reported total', () => {
    expect(finalizeUsage({ inputTokens: 10, outputTokens: 5, totalTokens: 16 }).totalTokens).toBe(16);
  });

  it('never adds cached or reasoning tokens to the total', () => {
    expect(
      finalizeUsage({ inputTokens: 100, outputTokens: 50, cacheReadInputTokens: 80, reasoningTokens: 40 })
        .totalTokens,
    ).toBe(150);
  });

  it('uses the one side that is known', () => {
    expect(finalizeUsage({ inputTokens: 7 }).totalTokens).toBe(7);
  });

  it('leaves everything null without counts', () => {
    expect(finalizeUsage({})).toEqual({
      inputTokens: null,
      outputTokens: null,
      cacheReadInputTokens: null,
      cacheWriteInputTokens: null,
      reasoningTokens: null,
      totalTokens: null,
      estimated: false,
    });
  });
});
