import type { Usage } from '@driftwatch/contracts';
import type { Rate, RateCard } from './types.js';

/** USD per 1M tokens of a rate for a call with this many input tokens (tiers by prompt size, as providers bill). */
function perMillion(rate: Rate, inputTokens: number): number {
  if (typeof rate === 'number') return rate;
  let price = rate.base;
  for (const tier of rate.tiers) if (inputTokens > tier.start) price = tier.price;
  return price;
}

/**
 * USD for the usage at the rates. Cached tokens are part of input tokens and reasoning tokens part of output
 * tokens, each billed at its own rate and never twice:
 * (input - cacheRead - cacheWrite) x input + cacheRead x cacheRead + cacheWrite x cacheWrite
 *   + (output - reasoning) x output + reasoning x reasoning.
 * Null when neither input nor output tokens are known.
 */
export function costForUsage(usage: Usage, card: RateCard): number | null {
  if (usage.inputTokens === null && usage.outputTokens === null) return null;
  const input = usage.inputTokens ?? 0;
  const output = usage.outputTokens ?? 0;
  const rate = (r: Rate | undefined, fallback: Rate) => perMillion(r ?? fallback, input);
  const cacheRead = usage.cacheReadInputTokens ?? 0;
  const cacheWrite = usage.cacheWriteInputTokens ?? 0;
  const reasoning = Math.min(usage.reasoningTokens ?? 0, output);
  // Some instrumentations report input without the cached part (Anthropic's own counts): bill what is known.
  const uncached = Math.max(0, input - cacheRead - cacheWrite);
  const micro =
    uncached * rate(card.input, card.input) +
    cacheRead * rate(card.cacheRead, card.input) +
    cacheWrite * rate(card.cacheWrite, card.input) +
    (output - reasoning) * rate(card.output, card.output) +
    reasoning * rate(card.reasoning, card.output);
  // micro-dollars per token x tokens; rounded to 1e-10 USD to drop float noise
  return Math.round(micro * 1e4) / 1e10;
}
