import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { timeTicks } from './time-axis';

const H = 3_600_000;

describe('timeTicks', () => {
  let tz: string | undefined;
  beforeEach(() => {
    tz = process.env.TZ;
    process.env.TZ = 'UTC';
  });
  afterEach(() => {
    process.env.TZ = tz;
  });

  it('puts round hours on a 24-hour range, dated where the day changes', () => {
    const from = Date.UTC(2026, 10, 29, 8, 28);
    const ticks = timeTicks(from, from + 24 * H, 6);
    expect(ticks.length).toBeGreaterThanOrEqual(4);
    expect(ticks.length).toBeLessThanOrEqual(7);
    for (const t of ticks) expect(new Date(t.t).getUTCMinutes()).toBe(0);
    expect(new Set(ticks.map((t) => t.label)).size).toBe(ticks.length);
    expect(ticks[0]).toMatchObject({ label: expect.stringMatching(/^\d\d:00$/), date: '29 Nov' });
    const midnight = ticks.find((t) => new Date(t.t).getUTCHours() === 0)!;
    expect(midnight).toMatchObject({ label: '00:00', date: '30 Nov' });
    expect(ticks.filter((t) => t.date).length).toBe(2);
  });

  it('uses days on a 30-day range and minutes on an hour', () => {
    const from = Date.UTC(2026, 10, 1, 13, 5);
    const days = timeTicks(from, from + 30 * 24 * H, 6);
    expect(days.every((t) => /^\d{1,2} \w{3}$/.test(t.label) && t.date === null)).toBe(true);
    const minutes = timeTicks(from, from + H, 5);
    expect(minutes.map((t) => t.label).slice(1)).toEqual(['13:30', '13:45', '14:00']);
  });
});
