/**
 * Display formats for every number the dashboard shows. Unknown (null, undefined, NaN) is always "—", never 0:
 * a zero on screen means a measured zero.
 */
const UNKNOWN = '—';

function known(value: number | null | undefined): value is number {
  return value !== null && value !== undefined && Number.isFinite(value);
}

/** Durations: µs below a millisecond, whole ms below a second, then s, min and h with at most 3 digits. */
export function formatMs(ms: number | null | undefined): string {
  if (!known(ms)) return UNKNOWN;
  if (ms < 0) return `-${formatMs(-ms)}`;
  if (ms === 0) return '0 ms';
  if (ms < 0.001) return '<1 µs';
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 999.5) return `${Math.round(ms)} ms`;
  if (ms < 59_950) return `${trimmed(ms / 1000, ms < 9_995 ? 2 : 1)} s`;
  if (ms < 3_597_000) return `${trimmed(ms / 60_000, 1)} min`;
  return `${trimmed(ms / 3_600_000, 1)} h`;
}

/** Smallest cost shown as a number; anything above zero but below it reads "<$0.000001". */
const COST_FLOOR = 0.000001;

/**
 * US dollars with two significant digits below a cent ($0.0000041, $0.00012), cents from there on ($0.50,
 * $1,234.50), "<$0.000001" for the crumbs below that and "$0" only for a measured zero.
 */
export function formatCost(usd: number | null | undefined): string {
  if (!known(usd)) return UNKNOWN;
  if (usd < 0) return `-${formatCost(-usd)}`;
  if (usd === 0) return '$0';
  if (usd < COST_FLOOR) return '<$0.000001';
  if (usd < 0.01) {
    // Two significant digits, written out in full (never 4.1e-6), trailing zeros dropped.
    const digits = Math.max(2, 1 - Math.floor(Math.log10(usd)));
    return `$${Number(usd.toPrecision(2)).toFixed(digits).replace(/0+$/, '')}`;
  }
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** Counts: exact with separators below 10,000, then 12.3k and 1.2M. */
export function formatCount(n: number | null | undefined): string {
  if (!known(n)) return UNKNOWN;
  if (Math.abs(n) >= 1e6) return `${trimmed(n / 1e6, 1)}M`;
  if (Math.abs(n) >= 1e4) return `${trimmed(n / 1e3, 1)}k`;
  return Math.round(n).toLocaleString('en-US');
}

/** Tokens of a call or trace: a count, or "—" when no model call reported (or estimated) any. */
export function formatTokens(n: number | null | undefined): string {
  return formatCount(n);
}

/** input + output tokens, unknown when both are. */
export function sumKnown(...values: (number | null | undefined)[]): number | null {
  const present = values.filter(known);
  return present.length ? present.reduce((a, b) => a + b, 0) : null;
}

export function formatPercent(ratio: number | null | undefined): string {
  if (!known(ratio)) return UNKNOWN;
  if (ratio === 0) return '0%';
  const pct = ratio * 100;
  if (Math.abs(pct) < 0.01) return '<0.01%';
  return `${trimmed(pct, Math.abs(pct) < 10 ? 2 : 1)}%`;
}

/** Date and time in the viewer's time zone, the zone named so a shared screenshot is unambiguous. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return UNKNOWN;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'medium' });
}

/** Fixed decimals without trailing zeros: 1.50 → 1.5, 2.00 → 2. */
function trimmed(value: number, decimals: number): string {
  return String(Number(value.toFixed(decimals)));
}
