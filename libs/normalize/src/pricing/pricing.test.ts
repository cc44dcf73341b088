import type { Usage } from '@driftwatch/contracts';
import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { normalizeTraceRequest } from '../normalize.js';
import { llmOf, normalizeOne, request, span, T0 } from '../testing/otlp-builders.js';
import { catalogRates } from './catalog.js';
import { costForUsage } from './cost.js';
import { Pricer } from './pricer.js';

function usage(partial: Partial<Usage>): Usage {
  return {
    inputTokens: null,
    outputTokens: null,
    cacheReadInputTokens: null,
    cacheWriteInputTokens: null,
    reasoningTokens: null,
    totalTokens: null,
    estimated: false,
    ...partial,
  };
}

const NOW = new Date('2026-11-01T12:00:00Z');
const call = (provider: string, model: string, u: Partial<Usage>) => ({
  provider,
  requestModel: model,
  responseModel: '',
  usage: usage(u),
});

describe('bundled prices (@pydantic/genai-prices)', () => {
  it.each([
    ['openai', 'gpt-4o-mini', 0.15, 0.6],
    ['openai', 'gpt-4o-mini-2024-07-18', 0.15, 0.6],
    ['anthropic', 'claude-sonnet-4-20250514', 3, 15],
    ['', 'claude-3-5-sonnet-20241022', 3, 15],
    ['aws.bedrock', 'us.anthropic.claude-3-7-sonnet-20250219-v1:0', 3, 15],
    ['gcp.gemini', 'gemini-2.5-pro', 1.25, 10],
  ])('knows %j %s (input %d, output %d per 1M)', (provider, model, input, output) => {
    const rates = catalogRates(provider, model, NOW);
    expect(rates).not.toBeNull();
    // 100k tokens: below every context tier
    const cost = costForUsage(usage({ inputTokens: 100_000, outputTokens: 100_000 }), rates!);
    expect(cost).toBeCloseTo((input + output) / 10, 9);
  });

  it('bills cache reads and writes at their own rates, as the library does', () => {
    // Anthropic: cache read 0.1x input, 5-minute cache write 1.25x input
    const u = {
      input_tokens: 10_000,
      cache_read_tokens: 6_000,
      cache_write_tokens: 2_000,
      output_tokens: 1_000,
    };
    const expected = calcPrice(u, 'claude-sonnet-4-20250514', { providerId: 'anthropic', timestamp: NOW })!;
    const ours = new Pricer().costUsd(
      call('anthropic', 'claude-sonnet-4-20250514', {
        inputTokens: 10_000,
        cacheReadInputTokens: 6_000,
        cacheWriteInputTokens: 2_000,
        outputTokens: 1_000,
      }),
      NOW,
    );
    expect(ours).toBeCloseTo(expected.total_price, 10);
    expect(ours).toBeCloseTo((2_000 * 3 + 6_000 * 0.3 + 2_000 * 3.75 + 1_000 * 15) / 1e6, 10);
  });

  it('applies the context tier the prompt falls in (Gemini 2.5 Pro above 200k input tokens)', () => {
    const u = { input_tokens: 300_000, output_tokens: 1_000 };
    const expected = calcPrice(u, 'gemini-2.5-pro', { providerId: 'google', timestamp: NOW })!;
    const ours = new Pricer().costUsd(
      call('gcp.gemini', 'gemini-2.5-pro', { inputTokens: 300_000, outputTokens: 1_000 }),
      NOW,
    );
    expect(ours).toBeCloseTo(expected.total_price, 10);
    expect(ours).toBeCloseTo((300_000 * 2.5 + 1_000 * 15) / 1e6, 10);
  });

  it.each([
    ['openai', 'o3', '2025-03-01T12:00:00Z', 10 + 40],
    ['openai', 'o3', '2025-07-01T12:00:00Z', 2 + 8],
    ['deepseek', 'deepseek-chat', '2026-11-01T10:00:00Z', 0.27 + 1.1],
    ['deepseek', 'deepseek-chat', '2026-11-01T20:00:00Z', 0.135 + 0.55],
  ])('uses the price in force at the call time: %s %s at %s', (provider, model, at, expected) => {
    const u = { inputTokens: 1_000_000, outputTokens: 1_000_000 };
    const ours = new Pricer().costUsd(call(provider, model, u), new Date(at));
    const library = calcPrice({ input_tokens: 1_000_000, output_tokens: 1_000_000 }, model, {
      providerId: provider,
      timestamp: new Date(at),
    })!;
    expect(ours).toBeCloseTo(library.total_price, 9);
    expect(ours).toBeCloseTo(expected, 9);
  });

  it('prices by the response model first, then the request model', () => {
    const pricer = new Pricer();
    const u = usage({ inputTokens: 1_000_000, outputTokens: 0 });
    const both = {
      provider: 'openai',
      responseModel: 'gpt-4o-mini-2024-07-18',
      requestModel: 'gpt-4o',
      usage: u,
    };
    expect(pricer.costUsd(both, NOW)).toBeCloseTo(0.15, 9);
    expect(pricer.costUsd({ ...both, responseModel: 'custom-deployment' }, NOW)).toBeCloseTo(2.5, 9);
  });

  it.each([
    ['openai', 'acme-llm-9000'],
    ['', 'my-finetune'],
    ['', ''],
  ])('has no price for %j %j: null, never zero', (provider, model) => {
    expect(
      new Pricer().costUsd(call(provider, model, { inputTokens: 10, outputTokens: 10 }), NOW),
    ).toBeNull();
  });
});

describe('cost arithmetic', () => {
  const card = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75, reasoning: 20 };

  it('bills input and output per million tokens', () => {
    expect(costForUsage(usage({ inputTokens: 1_000_000, outputTokens: 1_000_000 }), card)).toBe(18);
  });

  it('bills reasoning tokens at the reasoning rate, as part of the output and never twice', () => {
    const cost = costForUsage(usage({ inputTokens: 0, outputTokens: 500, reasoningTokens: 400 }), card);
    expect(cost).toBeCloseTo((100 * 15 + 400 * 20) / 1e6, 12);
    const flat = { input: 3, output: 15 };
    expect(costForUsage(usage({ inputTokens: 0, outputTokens: 500, reasoningTokens: 400 }), flat)).toBe(
      costForUsage(usage({ inputTokens: 0, outputTokens: 500 }), flat),
    );
  });

  it('uses the input rate for cache tokens without a cache rate', () => {
    expect(
      costForUsage(usage({ inputTokens: 1_000_000, cacheReadInputTokens: 500_000 }), { input: 2, output: 8 }),
    ).toBe(2);
  });

  it('never bills a negative uncached remainder', () => {
    const cost = costForUsage(usage({ inputTokens: 100, cacheReadInputTokens: 300 }), card);
    expect(cost).toBeCloseTo((300 * 0.3) / 1e6, 12);
  });

  it('is null without any token counts', () => {
    expect(costForUsage(usage({}), card)).toBeNull();
  });
});

describe('project price overrides', () => {
  const override = {
    provider: '',
    model: 'ft:gpt-4o-mini:acme::abc123',
    input: 1,
    output: 2,
    cacheRead: 0.5,
  };

  it('prices a model the bundled data does not know', () => {
    const pricer = new Pricer([override]);
    const cost = pricer.costUsd(
      call('openai', 'FT:gpt-4o-mini:acme::abc123', {
        inputTokens: 1_000_000,
        cacheReadInputTokens: 400_000,
        outputTokens: 1_000_000,
      }),
      NOW,
    );
    expect(cost).toBeCloseTo(600_000 * 1e-6 + 400_000 * 0.5e-6 + 2, 9);
  });

  it('wins over the bundled price (a negotiated rate), for its provider only when it names one', () => {
    const pricer = new Pricer([{ provider: 'OpenAI', model: 'gpt-4o-mini', input: 0.1, output: 0.1 }]);
    const u = { inputTokens: 1_000_000, outputTokens: 0 };
    expect(pricer.costUsd(call('openai', 'gpt-4o-mini', u), NOW)).toBeCloseTo(0.1, 9);
    expect(pricer.costUsd(call('azure.ai.openai', 'gpt-4o-mini', u), NOW)).toBeCloseTo(0.15, 9);
  });

  it('reaches the records through the normalize options', () => {
    const chat = span({
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'acme-llm',
        'gen_ai.usage.input_tokens': 1000,
        'gen_ai.usage.output_tokens': 100,
      },
    });
    const pricer = new Pricer([{ provider: '', model: 'acme-llm', input: 1, output: 2 }]);
    const result = normalizeTraceRequest(request([chat]), { projectId: 'p', pricer });
    expect(result.records[0]?.llm?.costUsd).toBeCloseTo((1000 * 1 + 100 * 2) / 1e6, 12);
    expect(llmOf(normalizeOne(chat)).costUsd).toBeNull();
  });
});

describe('cost on records', () => {
  const chat = (model: string) =>
    span({
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': model,
        'gen_ai.usage.input_tokens': 1000,
        'gen_ai.usage.output_tokens': 100,
      },
    });

  it('gives a known model a cost at the call time', () => {
    expect(new Date(Number(T0 / 1_000_000n)).getUTCFullYear()).toBe(2026);
    expect(llmOf(normalizeOne(chat('gpt-4o-mini'))).costUsd).toBeCloseTo((1000 * 0.15 + 100 * 0.6) / 1e6, 12);
  });

  it('gives an unknown model a null cost, never zero', () => {
    expect(llmOf(normalizeOne(chat('acme-llm-9000'))).costUsd).toBeNull();
  });
});
