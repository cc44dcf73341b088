import {
  calcPrice,
  findProvider,
  type ModelInfo,
  type ModelPrice,
  type Provider,
} from '@pydantic/genai-prices';
import type { Rate, RateCard } from './types.js';

/**
 * Bundled prices of @pydantic/genai-prices (no network: its data ships in the package). The library matches
 * providers and model names (dated ids, Bedrock and Vertex spellings ...) but one calcPrice takes 40-200 µs, too
 * slow per span; so the match is made once per provider + model and cached, and the rate for the call's time is
 * picked from the matched model's price history here.
 */

/** GenAI provider names the library does not know under that spelling. */
const PROVIDER_IDS: Record<string, string> = { x_ai: 'x-ai' };

const MAX_CACHED = 10_000;
const matches = new Map<string, ModelInfo | null>();

function match(provider: string, model: string): ModelInfo | null {
  const key = `${provider}\u0000${model}`;
  const cached = matches.get(key);
  if (cached !== undefined) return cached;
  const found = lookUp(provider, model);
  // Model names come from clients: bound the cache so that arbitrary names cannot grow it without limit.
  if (matches.size >= MAX_CACHED) matches.clear();
  matches.set(key, found);
  return found;
}

function lookUp(provider: string, model: string): ModelInfo | null {
  if (model === '') return null;
  const known: Provider | undefined = provider
    ? findProvider({ providerId: PROVIDER_IDS[provider] ?? provider })
    : undefined;
  try {
    const probe = { input_tokens: 1, output_tokens: 1 };
    const result = calcPrice(probe, model, known ? { provider: known } : {});
    return result?.model ?? null;
  } catch {
    return null;
  }
}

/** The model's prices in force at `at`: the last entry of its history whose constraint holds (as the library picks). */
function pricesAt(model: ModelInfo, at: Date): ModelPrice {
  if (!Array.isArray(model.prices)) return model.prices;
  for (let i = model.prices.length - 1; i >= 0; i--) {
    const entry = model.prices[i]!;
    const constraint = entry.constraint;
    if (!constraint) return entry.prices;
    if (constraint.type === 'start_date') {
      if (at >= new Date(constraint.start_date)) return entry.prices;
    } else {
      const seconds = (at.getTime() / 1000) % 86400;
      const start = secondsOfDay(constraint.start_time);
      const end = secondsOfDay(constraint.end_time);
      if (end < start ? seconds >= start || seconds < end : seconds >= start && seconds < end)
        return entry.prices;
    }
  }
  return model.prices[0]!.prices;
}

/** "16:30:00Z" -> seconds since midnight UTC. */
function secondsOfDay(time: string): number {
  const [h = 0, m = 0, s = 0] = time.split(':').map((part) => parseInt(part, 10) || 0);
  return h * 3600 + m * 60 + s;
}

function rateOf(value: ModelPrice[string]): Rate | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  return { base: value.base, tiers: value.tiers };
}

/** Rate cards by the library's price objects, which live as long as its data: built once each. */
const cards = new WeakMap<ModelPrice, RateCard | null>();

/** The bundled rates of a model at a time; null for a model the data does not know or prices otherwise. */
export function catalogRates(provider: string, model: string, at: Date): RateCard | null {
  const info = match(provider, model);
  if (!info) return null;
  const prices = pricesAt(info, at);
  let card = cards.get(prices);
  if (card === undefined) {
    card = rateCard(prices);
    cards.set(prices, card);
  }
  return card;
}

function rateCard(prices: ModelPrice): RateCard | null {
  const input = rateOf(prices.input_mtok);
  const output = rateOf(prices.output_mtok);
  // Per-image or per-request models have no token rates: no cost rather than a wrong one.
  if (input === undefined && output === undefined) return null;
  const card: RateCard = { input: input ?? 0, output: output ?? 0 };
  const cacheRead = rateOf(prices.cache_read_mtok);
  const cacheWrite = rateOf(prices.cache_write_mtok);
  const reasoning = rateOf(prices.output_reasoning_mtok);
  if (cacheRead !== undefined) card.cacheRead = cacheRead;
  if (cacheWrite !== undefined) card.cacheWrite = cacheWrite;
  if (reasoning !== undefined) card.reasoning = reasoning;
  return card;
}
