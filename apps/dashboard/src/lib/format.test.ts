import { describe, expect, it } from 'vitest';
import {
  formatCost,
  formatCount,
  formatMs,
  formatPercent,
  formatTime,
  formatTokens,
  sumKnown,
} from './format';

describe('formatCost', () => {
  it('shows small costs with two significant digits, written out', () => {
    expect(formatCost(0.0000041)).toBe('$0.0000041');
    expect(formatCost(0.00000412345)).toBe('$0.0000041');
    expect(formatCost(0.000123)).toBe('$0.00012');
    expect(formatCost(0.0012)).toBe('$0.0012');
    expect(formatCost(0.005)).toBe('$0.005');
    expect(formatCost(0.0099)).toBe('$0.0099');
  });
  it('shows "<$0.000001" below a millionth of a dollar, and $0 only for a measured zero', () => {
    expect(formatCost(4e-9)).toBe('<$0.000001');
    expect(formatCost(0.000001)).toBe('$0.000001');
    expect(formatCost(0)).toBe('$0');
  });
  it('shows cents from a cent on, with separators', () => {
    expect(formatCost(0.01)).toBe('$0.01');
    expect(formatCost(0.5)).toBe('$0.50');
    expect(formatCost(1234.5)).toBe('$1,234.50');
  });
  it('shows unknown as "—", never 0', () => {
    expect(formatCost(null)).toBe('—');
    expect(formatCost(undefined)).toBe('—');
    expect(formatCost(Number.NaN)).toBe('—');
  });
});

describe('formatMs', () => {
  it('never shows 0.00 ms for a sub-millisecond duration', () => {
    expect(formatMs(0.0004)).toBe('<1 µs');
    expect(formatMs(0.42)).toBe('420 µs');
    expect(formatMs(0)).toBe('0 ms');
  });
  it('uses ms, s, min and h consistently', () => {
    expect(formatMs(1)).toBe('1 ms');
    expect(formatMs(999.4)).toBe('999 ms');
    expect(formatMs(999.6)).toBe('1 s');
    expect(formatMs(1234)).toBe('1.23 s');
    expect(formatMs(12_345)).toBe('12.3 s');
    expect(formatMs(90_000)).toBe('1.5 min');
    expect(formatMs(2 * 3_600_000)).toBe('2 h');
  });
  it('shows unknown as "—"', () => {
    expect(formatMs(null)).toBe('—');
    expect(formatMs(Number.POSITIVE_INFINITY)).toBe('—');
  });
});

describe('counts and tokens', () => {
  it('is exact below 10k, compact above', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(9999)).toBe('9,999');
    expect(formatTokens(12_345)).toBe('12.3k');
    expect(formatTokens(2_000_000)).toBe('2M');
    expect(formatTokens(null)).toBe('—');
  });
  it('sums only known values, unknown when none is', () => {
    expect(sumKnown(3, null, 4)).toBe(7);
    expect(sumKnown(null, undefined)).toBeNull();
  });
});

describe('formatPercent and formatTime', () => {
  it('formats ratios', () => {
    expect(formatPercent(0)).toBe('0%');
    expect(formatPercent(0.0512)).toBe('5.12%');
    expect(formatPercent(0.5)).toBe('50%');
    expect(formatPercent(0.00000001)).toBe('<0.01%');
    expect(formatPercent(null)).toBe('—');
  });
  it('shows "—" for a missing time and the text for an unparsable one', () => {
    expect(formatTime(null)).toBe('—');
    expect(formatTime('not a time')).toBe('not a time');
  });
});
