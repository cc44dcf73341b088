export const RANGES = [
  { id: '1h', label: 'Last hour', ms: 3_600_000 },
  { id: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { id: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
] as const;

export type RangeId = (typeof RANGES)[number]['id'];

export function rangeMs(id: string | null): number {
  return RANGES.find((r) => r.id === id)?.ms ?? RANGES[1].ms;
}
