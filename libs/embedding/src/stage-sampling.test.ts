import { describe, expect, it } from 'vitest';
import { AdaptiveSampler, BoundedQueue, sampleWeight, SamplingLedger, WINDOW_MS } from './stage-sampling.js';

describe('AdaptiveSampler', () => {
  it('admits everything while the queue keeps up', () => {
    const sampler = new AdaptiveSampler({}, () => 0.999);
    sampler.observeFill(0.3, 0);
    expect(sampler.rate).toBe(1);
    expect(sampler.admit()).toBe(true);
  });

  it('halves the rate above the high-water mark at most once per interval, down to the floor', () => {
    const sampler = new AdaptiveSampler({ minRate: 0.1, minChangeIntervalMs: 1000 });
    sampler.observeFill(0.9, 0);
    sampler.observeFill(1, 10); // same burst: no second halving
    expect(sampler.rate).toBe(0.5);
    for (let t = 1000; t <= 10_000; t += 1000) sampler.observeFill(1, t);
    expect(sampler.rate).toBe(0.1);
  });

  it('doubles back to 1 once the queue drained below the low-water mark', () => {
    const sampler = new AdaptiveSampler({ minChangeIntervalMs: 0 });
    sampler.observeFill(0.8, 0);
    sampler.observeFill(0.8, 1);
    expect(sampler.rate).toBe(0.25);
    sampler.observeFill(0.3, 2); // between the marks: unchanged
    expect(sampler.rate).toBe(0.25);
    sampler.observeFill(0.05, 3);
    sampler.observeFill(0.05, 4);
    sampler.observeFill(0.05, 5);
    expect(sampler.rate).toBe(1);
  });

  it('admits at random with the current rate, whatever the call is', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const sampler = new AdaptiveSampler({ minChangeIntervalMs: 0 }, random);
    sampler.observeFill(1, 0);
    sampler.observeFill(1, 1); // rate 0.25
    let admitted = 0;
    for (let i = 0; i < 20_000; i++) if (sampler.admit()) admitted++;
    expect(admitted / 20_000).toBeGreaterThan(0.23);
    expect(admitted / 20_000).toBeLessThan(0.27);
  });

  it('refuses settings that cannot work', () => {
    expect(() => new AdaptiveSampler({ minRate: 0 })).toThrow(/minRate/);
    expect(() => new AdaptiveSampler({ lowWater: 0.6, highWater: 0.5 })).toThrow(/lowWater/);
  });
});

describe('SamplingLedger', () => {
  it('counts per project and minute of call time, and drains empty', () => {
    const ledger = new SamplingLedger();
    const t = 10 * WINDOW_MS;
    ledger.seen('p1', t + 5);
    ledger.seen('p1', t + WINDOW_MS - 1);
    ledger.embedded('p1', t + 5);
    ledger.seen('p1', t + WINDOW_MS);
    ledger.seen('p2', t);
    expect(ledger.size()).toBe(3);
    const windows = ledger
      .drain()
      .sort((a, b) => a.windowStartMs - b.windowStartMs || a.projectId.localeCompare(b.projectId));
    expect(windows).toEqual([
      { projectId: 'p1', windowStartMs: t, seen: 2, embedded: 1 },
      { projectId: 'p2', windowStartMs: t, seen: 1, embedded: 0 },
      { projectId: 'p1', windowStartMs: t + WINDOW_MS, seen: 1, embedded: 0 },
    ]);
    expect(ledger.size()).toBe(0);
  });

  it('adds restored counts to those counted since', () => {
    const ledger = new SamplingLedger();
    ledger.seen('p', 0, 3);
    const failed = ledger.drain();
    ledger.seen('p', 1);
    ledger.embedded('p', 2);
    ledger.restore(failed);
    expect(ledger.drain()).toEqual([{ projectId: 'p', windowStartMs: 0, seen: 4, embedded: 1 }]);
  });

  it('weights an embedded call by seen / embedded of its window', () => {
    expect(sampleWeight({ seen: 100, embedded: 25 })).toBe(4);
    expect(sampleWeight({ seen: 10, embedded: 0 })).toBe(0);
  });
});

describe('BoundedQueue', () => {
  it('refuses past its capacity and hands items out in order', () => {
    const queue = new BoundedQueue<number>(3);
    expect([1, 2, 3, 4].map((n) => queue.push(n))).toEqual([true, true, true, false]);
    expect(queue.take(2)).toEqual([1, 2]);
    expect(queue.push(5)).toBe(true);
    expect(queue.push(6)).toBe(true);
    expect(queue.push(7)).toBe(false);
    expect(queue.clear()).toEqual([3, 5, 6]);
    expect(queue.length).toBe(0);
  });

  it('stays bounded through many cycles', () => {
    const queue = new BoundedQueue<number>(10);
    for (let i = 0; i < 10_000; i++) {
      queue.push(i);
      if (i % 3 === 0) queue.take(2);
    }
    expect(queue.length).toBeLessThanOrEqual(10);
    expect(() => new BoundedQueue(0)).toThrow(/capacity/);
  });
});
