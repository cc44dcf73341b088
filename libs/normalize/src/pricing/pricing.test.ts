import type { Usage } from '@driftwatch/contracts';
import { describe, expect, it } from 'vitest';
import { normalizeTraceRequest } from '../normalize.js';
import { llmOf, normalizeOne, request, span } from '../testing/otlp-builders.js';
import { costForUsage, costUsd, loadDefaultPriceTable } from './cost.js';
import { findPrice, modelCandidates } from './match.js';
import type { PriceTable } from './types.js';

const table = loadDefaultPriceTable();

function usage(partial: Partial<Usage>): Usage {
  return {
    inputTokens: null,
    outputTokens: null,
    cacheReadInputTokens: null,
    cacheWriteInputTokens: null,
    reasoningTokens: null,
    totalTokens: null,
    ...partial,
  };
}

describe('price table', () => {
  it('is dated and says where the prices come from', () => {
    expect(table.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(table.source.length).toBeGreaterThan(10);
  });

  it.each([
    'gpt-4o',
    'gpt-4o-mini',
    'gpt-4.1',
    'gpt-4.1-mini',
    'gpt-4.1-nano',
    'o1',
    'o3',
    'o3-mini',
    'o4-mini',
    'gpt-5',
    'gpt-5-mini',
    'claude-3-5-sonnet',
    'claude-3-7-sonnet',
    'claude-sonnet-4',
    'claude-opus-4',
    'claude-3-5-haiku',
    'gemini-1.5-pro',
    'gemini-2.0-flash',
    'gemini-2.5-pro',
    'gemini-2.5-flash',
  ])('prices %s with positive input and output rates', (model) => {
    const price = table.models[model];
    expect(price?.input).toBeGreaterThan(0);
    expect(price?.output).toBeGreaterThan(0);
  });

  it('keys every model in lowercase', () => {
    for (const key of Object.keys(table.models)) expect(key).toBe(key.toLowerCase());
  });
});

describe('model matching', () => {
  it.each([
    ['gpt-4o', 'gpt-4o'],
    ['gpt-4o-2024-08-06', 'gpt-4o'],
    ['gpt-4o-mini-2024-07-18', 'gpt-4o-mini'],
    ['openai/gpt-4o', 'gpt-4o'],
    ['GPT-4o', 'gpt-4o'],
    ['gpt-4.1-2025-04-14', 'gpt-4.1'],
    ['o3-mini-2025-01-31', 'o3-mini'],
    ['gpt-3.5-turbo-0125', 'gpt-3.5-turbo'],
    ['claude-3-5-sonnet-20241022', 'claude-3-5-sonnet'],
    ['claude-3-7-sonnet-latest', 'claude-3-7-sonnet'],
    ['claude-sonnet-4-20250514', 'claude-sonnet-4'],
    ['claude-opus-4-1-20250805', 'claude-opus-4-1'],
    ['anthropic/claude-3.5-sonnet', 'claude-3-5-sonnet'],
    ['anthropic.claude-3-5-sonnet-20240620-v1:0', 'claude-3-5-sonnet'],
    ['us.anthropic.claude-3-7-sonnet-20250219-v1:0', 'claude-3-7-sonnet'],
    ['claude-3-5-sonnet-v2@20241022', 'claude-3-5-sonnet'],
    ['models/gemini-1.5-pro-002', 'gemini-1.5-pro'],
    ['gemini-2.0-flash-001', 'gemini-2.0-flash'],
    ['gemini-2.5-flash-preview-05-20', 'gemini-2.5-flash'],
    ['mistral-large-2411', 'mistral-large'],
  ])('prices %s as %s', (model, expected) => {
    expect(findPrice(model, table)).toBe(table.models[expected]);
  });

  it('does not strip model variants such as -mini', () => {
    expect(findPrice('gpt-4o-mini', table)).toBe(table.models['gpt-4o-mini']);
    expect(findPrice('gpt-4o-mini', table)).not.toBe(table.models['gpt-4o']);
  });

  it.each(['', 'my-finetune', 'llama-3.1-8b-instant', 'ft:custom-model'])('has no price for %j', (model) => {
    expect(findPrice(model, table)).toBeNull();
  });

  it('tries the exact name before stripped ones', () => {
    expect(modelCandidates('gpt-4o-2024-08-06')[0]).toBe('gpt-4o-2024-08-06');
    expect(modelCandidates('gpt-4o-2024-08-06')).toContain('gpt-4o');
  });
});

describe('cost arithmetic', () => {
  const price = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 };

  it('bills input and output per million tokens', () => {
    expect(costForUsage(usage({ inputTokens: 1_000_000, outputTokens: 1_000_000 }), price)).toBe(18);
  });

  it('bills cached tokens at the cache rates and never twice', () => {
    const cost = costForUsage(
      usage({
        inputTokens: 10_000,
        outputTokens: 1_000,
        cacheReadInputTokens: 6_000,
        cacheWriteInputTokens: 2_000,
      }),
      price,
    );
    expect(cost).toBeCloseTo((2_000 * 3 + 6_000 * 0.3 + 2_000 * 3.75 + 1_000 * 15) / 1e6, 12);
  });

  it('does not bill reasoning tokens on top of output tokens', () => {
    const withReasoning = costForUsage(
      usage({ inputTokens: 100, outputTokens: 500, reasoningTokens: 400 }),
      price,
    );
    const without = costForUsage(usage({ inputTokens: 100, outputTokens: 500 }), price);
    expect(withReasoning).toBe(without);
  });

  it('uses the input price for cache tokens when the table has no cache rate', () => {
    expect(
      costForUsage(usage({ inputTokens: 1_000_000, cacheReadInputTokens: 500_000 }), { input: 2, output: 8 }),
    ).toBe(2);
  });

  it('never bills a negative uncached remainder', () => {
    const cost = costForUsage(usage({ inputTokens: 100, cacheReadInputTokens: 300 }), price);
    expect(cost).toBeCloseTo((300 * 0.3) / 1e6, 12);
  });

  it('is null without any token counts', () => {
    expect(costForUsage(usage({}), price)).toBeNull();
  });

  it('prices by the response model first, then the request model', () => {
    const u = usage({ inputTokens: 1_000_000, outputTokens: 0 });
    expect(costUsd({ responseModel: 'gpt-4o-mini-2024-07-18', requestModel: 'gpt-4o', usage: u })).toBe(0.15);
    expect(costUsd({ responseModel: 'custom-deployment', requestModel: 'gpt-4o', usage: u })).toBe(2.5);
    expect(costUsd({ responseModel: '', requestModel: 'unknown-model', usage: u })).toBeNull();
  });
});

describe('cost on records', () => {
  const chat = (model: string) =>
    span({
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': model,
        'gen_ai.usage.input_tokens': 1000,
        'gen_ai.usage.output_tokens': 100,
      },
    });

  it('gives a known model a cost', () => {
    expect(llmOf(normalizeOne(chat('gpt-4o-mini'))).costUsd).toBeCloseTo((1000 * 0.15 + 100 * 0.6) / 1e6, 12);
  });

  it('gives an unknown model a null cost, never zero', () => {
    expect(llmOf(normalizeOne(chat('acme-llm-9000'))).costUsd).toBeNull();
  });

  it('uses the price table passed in the options', () => {
    const prices: PriceTable = {
      asOf: '2026-01-01',
      source: 'test',
      models: { 'acme-llm': { input: 1, output: 2 } },
    };
    const result = normalizeTraceRequest(request([chat('acme-llm-2026-01-01')]), { projectId: 'p', prices });
    expect(result.records[0]?.llm?.costUsd).toBeCloseTo((1000 * 1 + 100 * 2) / 1e6, 12);
  });
});
