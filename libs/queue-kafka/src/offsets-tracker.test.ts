import { describe, expect, it } from 'vitest';
import { OffsetsTracker } from './offsets-tracker.js';

describe('OffsetsTracker', () => {
  it('commits only the end of the settled prefix when acks arrive out of order', () => {
    const tracker = new OffsetsTracker<string>();
    const a = tracker.track('t:0', 9n, 10, 'a');
    const b = tracker.track('t:0', 19n, 10, 'b');
    const c = tracker.track('t:0', 29n, 10, 'c');
    expect(tracker.pendingRecords).toBe(30);
    expect(tracker.settle(c)).toBeNull();
    expect(tracker.settle(b)).toBeNull();
    expect(tracker.settle(a)?.handle).toBe('c');
    expect(tracker.pendingRecords).toBe(0);
    expect(tracker.highWater('t:0')).toBe(29n);
  });

  it('keeps partitions independent', () => {
    const tracker = new OffsetsTracker<string>();
    const p0 = tracker.track('t:0', 5n, 1, 'p0');
    const p1 = tracker.track('t:1', 3n, 1, 'p1');
    expect(tracker.settle(p1)?.lastOffset).toBe(3n);
    expect(tracker.highWater('t:0')).toBe(5n);
    expect(tracker.settle(p0)?.lastOffset).toBe(5n);
  });

  it('settles a ticket once', () => {
    const tracker = new OffsetsTracker<string>();
    const a = tracker.track('t:0', 1n, 2, 'a');
    expect(tracker.settle(a)?.handle).toBe('a');
    expect(tracker.settle(a)).toBeNull();
    expect(tracker.pendingRecords).toBe(0);
  });

  it('never commits for tickets handed out before a rebalance, but frees their records', () => {
    const tracker = new OffsetsTracker<string>();
    const old = tracker.track('t:0', 10n, 4, 'old');
    tracker.reset();
    const fresh = tracker.track('t:0', 3n, 1, 'fresh');
    expect(old.stale).toBe(true);
    expect(tracker.highWater('t:0')).toBe(3n);
    expect(tracker.settle(old)).toBeNull();
    expect(tracker.pendingRecords).toBe(1);
    expect(tracker.settle(fresh)?.handle).toBe('fresh');
  });

  it('after a rewind of one partition, re-reads it from the start without committing the old tickets', () => {
    const tracker = new OffsetsTracker<string>();
    const early = tracker.track('t:0', 49n, 10, 'early');
    const other = tracker.track('t:1', 9n, 10, 'other');
    tracker.rewind('t:0');
    const again = tracker.track('t:0', 39n, 10, 'again');
    expect(tracker.settle(early)).toBeNull();
    expect(tracker.settle(again)?.lastOffset).toBe(39n);
    expect(tracker.settle(other)?.lastOffset).toBe(9n);
    expect(tracker.pendingRecords).toBe(0);
  });

  it('refuses ranges that go backwards within a generation, even after they were committed', () => {
    const tracker = new OffsetsTracker<string>();
    const a = tracker.track('t:0', 10n, 1, 'a');
    tracker.settle(a);
    expect(() => tracker.track('t:0', 10n, 1, 'b')).toThrow(/not after/);
  });
});
