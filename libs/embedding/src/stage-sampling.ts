import type { SamplingWindow } from '@driftwatch/contracts';

export const WINDOW_MS = 60_000;

export interface SamplerOptions {
  /** Lowest admission rate; below it the bounded queue's overflow drops the rest. Default 0.01. */
  minRate?: number;
  /** Queue fill (0..1) above which the rate is halved. Default 0.5. */
  highWater?: number;
  /** Queue fill below which the rate is doubled (up to 1). Default 0.1. */
  lowWater?: number;
  /** Least time between two changes of the rate, so one burst halves it once, not at every call. Default 1 s. */
  minChangeIntervalMs?: number;
}

/**
 * Decides which calls the embedding stage takes when it cannot keep up: each call is admitted at random with
 * the current rate (so what is kept does not depend on what the call says), and the rate follows the fill of
 * the stage's bounded queue: halved above the high-water mark, doubled back below the low-water mark. Pure.
 */
export class AdaptiveSampler {
  private current = 1;
  private lastChangeMs = Number.NEGATIVE_INFINITY;
  private readonly minRate: number;
  private readonly highWater: number;
  private readonly lowWater: number;
  private readonly minChangeIntervalMs: number;

  constructor(
    options: SamplerOptions = {},
    private readonly random: () => number = Math.random,
  ) {
    this.minRate = options.minRate ?? 0.01;
    this.highWater = options.highWater ?? 0.5;
    this.lowWater = options.lowWater ?? 0.1;
    this.minChangeIntervalMs = options.minChangeIntervalMs ?? 1_000;
    if (!(this.minRate > 0 && this.minRate <= 1)) throw new Error('minRate must be in (0, 1]');
    if (!(this.lowWater < this.highWater)) throw new Error('lowWater must be below highWater');
  }

  get rate(): number {
    return this.current;
  }

  admit(): boolean {
    return this.current >= 1 || this.random() < this.current;
  }

  /** Tells the sampler how full the queue is now (depth / capacity; 1 when a call did not fit). */
  observeFill(fill: number, nowMs: number): void {
    if (nowMs - this.lastChangeMs < this.minChangeIntervalMs) return;
    if (fill >= this.highWater && this.current > this.minRate) {
      this.current = Math.max(this.minRate, this.current / 2);
      this.lastChangeMs = nowMs;
    } else if (fill <= this.lowWater && this.current < 1) {
      this.current = Math.min(1, this.current * 2);
      this.lastChangeMs = nowMs;
    }
  }
}

/**
 * Counts per project and minute of call time: calls seen (with text to embed) and calls embedded. Drained into
 * the SamplingRateStore; counts that could not be stored are put back with restore(), added to newer ones.
 * Bounded by the caller: size() is the number of windows held.
 */
export class SamplingLedger {
  private readonly windows = new Map<string, SamplingWindow>();

  seen(projectId: string, timeMs: number, n = 1): void {
    this.window(projectId, timeMs).seen += n;
  }

  embedded(projectId: string, timeMs: number, n = 1): void {
    this.window(projectId, timeMs).embedded += n;
  }

  size(): number {
    return this.windows.size;
  }

  drain(): SamplingWindow[] {
    const out = [...this.windows.values()];
    this.windows.clear();
    return out;
  }

  restore(windows: readonly SamplingWindow[]): void {
    for (const w of windows) {
      const held = this.window(w.projectId, w.windowStartMs);
      held.seen += w.seen;
      held.embedded += w.embedded;
    }
  }

  private window(projectId: string, timeMs: number): SamplingWindow {
    const windowStartMs = Math.floor(timeMs / WINDOW_MS) * WINDOW_MS;
    const key = `${windowStartMs}\u0000${projectId}`;
    let w = this.windows.get(key);
    if (!w) {
      w = { projectId, windowStartMs, seen: 0, embedded: 0 };
      this.windows.set(key, w);
    }
    return w;
  }
}

/** A first-in first-out queue that refuses items past its capacity instead of growing. */
export class BoundedQueue<T> {
  private items: T[] = [];
  private head = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error('capacity must be a positive integer');
  }

  get length(): number {
    return this.items.length - this.head;
  }

  /** False when full: the item was not taken. */
  push(item: T): boolean {
    if (this.length >= this.capacity) return false;
    this.items.push(item);
    return true;
  }

  take(max: number): T[] {
    const out = this.items.slice(this.head, this.head + max);
    this.head += out.length;
    // Compact once the consumed prefix is as large as what is left, so memory stays bounded by the capacity.
    if (this.head > 0 && this.head >= this.items.length - this.head) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return out;
  }

  clear(): T[] {
    return this.take(this.length);
  }
}

/**
 * Weight of one embedded call when estimating totals from the sample: seen / embedded of its window
 * (Horvitz-Thompson with the window's realized inclusion rate). 0 for a window with nothing embedded.
 */
export function sampleWeight(window: Pick<SamplingWindow, 'seen' | 'embedded'>): number {
  return window.embedded > 0 ? window.seen / window.embedded : 0;
}
