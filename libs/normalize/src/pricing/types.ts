/** A rate in USD per 1M tokens, flat or by context tier (the tier whose start the call's input tokens exceed). */
export type Rate = number | { base: number; tiers: ReadonlyArray<{ start: number; price: number }> };

/** What one model costs at one moment. Cache rates default to the input rate, reasoning to the output rate. */
export interface RateCard {
  input: Rate;
  output: Rate;
  cacheRead?: Rate;
  cacheWrite?: Rate;
  reasoning?: Rate;
}
