import type { Usage } from '@driftwatch/contracts';
import { findPrice } from './match.js';
import { DEFAULT_PRICES } from './prices.js';
import type { ModelPrice, PriceTable } from './types.js';

export function loadDefaultPriceTable(): PriceTable {
  return DEFAULT_PRICES;
}

/**
 * USD for the usage at the price. Cached tokens are part of input tokens and billed at the cache rates:
 * (input - cacheRead - cacheWrite) x input + cacheRead x cacheRead + cacheWrite x cacheWrite + output x output.
 * Null when neither input nor output tokens are known.
 */
export function costForUsage(usage: Usage, price: ModelPrice): number | null {
  if (usage.inputTokens === null && usage.outputTokens === null) return null;
  const input = usage.inputTokens ?? 0;
  const cacheRead = usage.cacheReadInputTokens ?? 0;
  const cacheWrite = usage.cacheWriteInputTokens ?? 0;
  const uncached = Math.max(0, input - cacheRead - cacheWrite);
  const micro =
    uncached * price.input +
    cacheRead * (price.cacheRead ?? price.input) +
    cacheWrite * (price.cacheWrite ?? price.input) +
    (usage.outputTokens ?? 0) * price.output;
  // micro-dollars per token x tokens; rounded to 1e-10 USD to drop float noise
  return Math.round(micro * 1e4) / 1e10;
}

/** Cost of a call: priced by the response model, else the request model; null for an unknown model. */
export function costUsd(
  call: { responseModel: string; requestModel: string; usage: Usage },
  table: PriceTable = DEFAULT_PRICES,
): number | null {
  const price = findPrice(call.responseModel, table) ?? findPrice(call.requestModel, table);
  return price ? costForUsage(call.usage, price) : null;
}
