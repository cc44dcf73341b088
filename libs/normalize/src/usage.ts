import type { Usage } from '@driftwatch/contracts';

/**
 * The canonical usage: missing fields are null, negative values dropped, and totalTokens = input + output
 * when the instrumentation did not report it. Cached and reasoning tokens are part of input and output and
 * are never added to them.
 */
export function finalizeUsage(raw: Partial<Usage>): Usage {
  const clean = (value: number | null | undefined): number | null =>
    typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
  const usage: Usage = {
    inputTokens: clean(raw.inputTokens),
    outputTokens: clean(raw.outputTokens),
    cacheReadInputTokens: clean(raw.cacheReadInputTokens),
    cacheWriteInputTokens: clean(raw.cacheWriteInputTokens),
    reasoningTokens: clean(raw.reasoningTokens),
    totalTokens: clean(raw.totalTokens),
    estimated: false,
  };
  if (usage.totalTokens === null && (usage.inputTokens !== null || usage.outputTokens !== null)) {
    usage.totalTokens = (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0);
  }
  return usage;
}

export function hasUsage(usage: Usage): boolean {
  return usage.inputTokens !== null || usage.outputTokens !== null || usage.totalTokens !== null;
}
