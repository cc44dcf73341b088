import type { PriceOverride, Usage } from '@driftwatch/contracts';
import { normalizeProvider } from '../provider.js';
import { catalogRates } from './catalog.js';
import { costForUsage } from './cost.js';
import type { RateCard } from './types.js';

interface PricedCall {
  provider: string;
  requestModel: string;
  responseModel: string;
  usage: Usage;
}

/**
 * Prices calls: a project's overrides first (exact model name, case-insensitive, for its provider or any), then the
 * bundled genai-prices data at the call's time. Built once per project and override set; lookups are map hits.
 */
export class Pricer {
  private readonly overrides = new Map<string, RateCard>();

  constructor(overrides: readonly PriceOverride[] = []) {
    for (const o of overrides) {
      const card: RateCard = { input: o.input, output: o.output };
      if (o.cacheRead !== undefined) card.cacheRead = o.cacheRead;
      if (o.cacheWrite !== undefined) card.cacheWrite = o.cacheWrite;
      if (o.reasoning !== undefined) card.reasoning = o.reasoning;
      this.overrides.set(overrideKey(normalizeProvider(o.provider), o.model), card);
    }
  }

  /** The rates of a model; response model first (the one that answered), then the requested one. */
  ratesFor(call: Omit<PricedCall, 'usage'>, at: Date): RateCard | null {
    for (const model of [call.responseModel, call.requestModel]) {
      if (model === '') continue;
      const card = this.override(call.provider, model) ?? catalogRates(call.provider, model, at);
      if (card) return card;
    }
    return null;
  }

  /** USD of a call at its time; null for an unknown model or unknown token counts, never a made-up zero. */
  costUsd(call: PricedCall, at: Date): number | null {
    const card = this.ratesFor(call, at);
    return card ? costForUsage(call.usage, card) : null;
  }

  private override(provider: string, model: string): RateCard | undefined {
    if (this.overrides.size === 0) return undefined;
    return this.overrides.get(overrideKey(provider, model)) ?? this.overrides.get(overrideKey('', model));
  }
}

function overrideKey(provider: string, model: string): string {
  return `${provider.toLowerCase()}\u0000${model.toLowerCase()}`;
}

export const DEFAULT_PRICER = new Pricer();
