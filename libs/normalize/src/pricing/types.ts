/** USD per 1M tokens. cacheRead / cacheWrite default to the input price when a provider has no separate rate. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
}

export interface PriceTable {
  /** The date the prices were checked (YYYY-MM-DD). */
  asOf: string;
  /** Where the prices come from. */
  source: string;
  /** Keyed by lowercase model name without provider prefix or date suffix. */
  models: Record<string, ModelPrice>;
}
