/**
 * The global budget for password hashing, the one sign-in cost no per-client limit bounds when attempts come
 * from many addresses. scrypt runs on libuv's thread pool, which gzip decompression of OTLP bodies shares, so
 * an unbounded sign-in flood would starve ingest. A token bucket bounds the rate (bursts of twice the rate
 * per second), a semaphore bounds hashes at once; past either the caller answers 429 with Retry-After.
 */
export class HashBudget {
  private tokens: number;
  private lastRefillMs: number;
  private running = 0;
  private readonly burst: number;

  constructor(
    private readonly perSecond: number,
    private readonly concurrency: number,
    private readonly now: () => number = Date.now,
  ) {
    this.burst = Math.max(1, Math.ceil(perSecond * 2));
    this.tokens = this.burst;
    this.lastRefillMs = now();
  }

  /**
   * Runs work when the budget allows, else returns the seconds to wait (work not run). Every sign-in attempt
   * that reaches a hash goes through here, known email or not, so the unknown-email path costs the same.
   */
  async run<T>(work: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; retryAfterS: number }> {
    this.refill();
    if (this.running >= this.concurrency || this.tokens < 1) {
      const msToToken = this.tokens >= 1 ? 0 : ((1 - this.tokens) / this.perSecond) * 1000;
      return { ok: false, retryAfterS: Math.max(1, Math.ceil(msToToken / 1000)) };
    }
    this.tokens -= 1;
    this.running += 1;
    try {
      return { ok: true, value: await work() };
    } finally {
      this.running -= 1;
    }
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.lastRefillMs) / 1000) * this.perSecond);
    this.lastRefillMs = now;
  }
}
