import { describe, expect, it } from 'vitest';
import { llmOf, normalizeOne, span } from '../testing/otlp-builders.js';

describe('Vercel AI SDK providers', () => {
  it.each([
    ['anthropic.messages', 'anthropic'],
    ['google.generative-ai', 'gcp.gemini'],
    ['google.vertex.chat', 'gcp.vertex_ai'],
    ['amazon-bedrock', 'aws.bedrock'],
    ['azure-openai.chat', 'azure.ai.openai'],
    ['mistral.chat', 'mistral_ai'],
    ['xai.chat', 'x_ai'],
  ])('maps AI SDK provider %s to %s', (provider, expected) => {
    const llm = llmOf(
      normalizeOne(
        span({
          name: 'ai.generateText.doGenerate',
          attributes: { 'ai.model.provider': provider, 'ai.model.id': 'm' },
        }),
      ),
    );
    expect(llm.provider).toBe(expected);
  });
});

describe('Vercel AI SDK object generation', () => {
  it('reads generateObject.doGenerate with the object as output text', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          name: 'ai.generateObject.doGenerate',
          attributes: {
            'ai.operationId': 'ai.generateObject.doGenerate',
            'ai.model.id': 'gpt-4o-mini',
            'ai.model.provider': 'openai.chat',
            'ai.response.object': '{"city":"Lyon"}',
            'ai.usage.promptTokens': 12,
            'ai.usage.completionTokens': 6,
          },
        }),
      ),
    );
    expect(llm).toMatchObject({ operation: 'chat', usageCounted: true });
    expect(llm.outputMessages[0]?.parts).toEqual([{ type: 'text', content: '{"city":"Lyon"}' }]);
    expect(llm.usage.totalTokens).toBe(18);
  });

  it('never counts ai.generateObject', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          name: 'ai.generateObject',
          attributes: { 'ai.model.id': 'gpt-4o', 'ai.usage.promptTokens': 5 },
        }),
      ),
    );
    expect(llm.usageCounted).toBe(false);
  });
});
