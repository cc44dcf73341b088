import type { ModelPrice, PriceTable } from './types.js';

/**
 * Standard (non-batch, lowest context tier) list prices in USD per 1M tokens, from the providers' public
 * pricing pages. Anthropic cache writes are the 5-minute rate (1.25x input); OpenAI and Gemini have no
 * cache-write charge (cacheWrite = input). Check before relying on them; pass your own table to override.
 */
const anthropic = (input: number, output: number): ModelPrice => ({
  input,
  output,
  cacheRead: input / 10,
  cacheWrite: input * 1.25,
});

const cached = (input: number, output: number, cacheRead: number): ModelPrice => ({
  input,
  output,
  cacheRead,
  cacheWrite: input,
});

export const DEFAULT_PRICES: PriceTable = {
  asOf: '2025-10-01',
  source:
    'openai.com/api/pricing, anthropic.com/pricing (claude.com/pricing), ai.google.dev/gemini-api/docs/pricing, ' +
    'docs.mistral.ai and api-docs.deepseek.com pricing pages; standard tier, prompts within the lowest context tier',
  models: {
    // OpenAI
    'gpt-5': cached(1.25, 10, 0.125),
    'gpt-5-mini': cached(0.25, 2, 0.025),
    'gpt-5-nano': cached(0.05, 0.4, 0.005),
    'gpt-4.1': cached(2, 8, 0.5),
    'gpt-4.1-mini': cached(0.4, 1.6, 0.1),
    'gpt-4.1-nano': cached(0.1, 0.4, 0.025),
    'gpt-4o': cached(2.5, 10, 1.25),
    'gpt-4o-mini': cached(0.15, 0.6, 0.075),
    'chatgpt-4o': cached(5, 15, 5),
    'gpt-4-turbo': cached(10, 30, 10),
    'gpt-4-1106-preview': cached(10, 30, 10),
    'gpt-4-0125-preview': cached(10, 30, 10),
    'gpt-4': cached(30, 60, 30),
    'gpt-3.5-turbo': cached(0.5, 1.5, 0.5),
    o1: cached(15, 60, 7.5),
    'o1-mini': cached(1.1, 4.4, 0.55),
    o3: cached(2, 8, 0.5),
    'o3-mini': cached(1.1, 4.4, 0.55),
    'o4-mini': cached(1.1, 4.4, 0.275),
    'text-embedding-3-small': cached(0.02, 0, 0.02),
    'text-embedding-3-large': cached(0.13, 0, 0.13),
    'text-embedding-ada-002': cached(0.1, 0, 0.1),
    // Anthropic
    'claude-opus-4-5': anthropic(5, 25),
    'claude-opus-4-1': anthropic(15, 75),
    'claude-opus-4': anthropic(15, 75),
    'claude-sonnet-4-5': anthropic(3, 15),
    'claude-sonnet-4': anthropic(3, 15),
    'claude-haiku-4-5': anthropic(1, 5),
    'claude-3-7-sonnet': anthropic(3, 15),
    'claude-3-5-sonnet': anthropic(3, 15),
    'claude-3-5-haiku': anthropic(0.8, 4),
    'claude-3-opus': anthropic(15, 75),
    'claude-3-haiku': { input: 0.25, output: 1.25, cacheRead: 0.03, cacheWrite: 0.3 },
    // Google
    'gemini-2.5-pro': cached(1.25, 10, 0.125),
    'gemini-2.5-flash': cached(0.3, 2.5, 0.03),
    'gemini-2.5-flash-lite': cached(0.1, 0.4, 0.01),
    'gemini-2.0-flash': cached(0.1, 0.4, 0.025),
    'gemini-2.0-flash-lite': cached(0.075, 0.3, 0.075),
    'gemini-1.5-pro': cached(1.25, 5, 0.3125),
    'gemini-1.5-flash': cached(0.075, 0.3, 0.01875),
    // Others
    'mistral-large': cached(2, 6, 2),
    'mistral-small': cached(0.1, 0.3, 0.1),
    'deepseek-chat': cached(0.28, 0.42, 0.028),
    'deepseek-reasoner': cached(0.28, 0.42, 0.028),
  },
};
