/**
 * Failed sign-ins per email+address in a sliding window; past the limit the caller answers 429 with
 * Retry-After. In memory: a restart forgets, which is acceptable for one embedded process.
 */
export class LoginLimiter {
  private failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures = 5,
    private readonly windowMs = 15 * 60_000,
  ) {}

  /** Seconds to wait before another attempt, or 0 when allowed. */
  retryAfterSeconds(email: string, ip: string, now = Date.now()): number {
    const recent = this.recent(key(email, ip), now);
    if (recent.length < this.maxFailures) return 0;
    return Math.max(1, Math.ceil((recent[0]! + this.windowMs - now) / 1000));
  }

  recordFailure(email: string, ip: string, now = Date.now()): void {
    const k = key(email, ip);
    this.failures.set(k, [...this.recent(k, now), now]);
    if (this.failures.size > 100_000) this.failures.delete(this.failures.keys().next().value!);
  }

  recordSuccess(email: string, ip: string): void {
    this.failures.delete(key(email, ip));
  }

  private recent(k: string, now: number): number[] {
    return (this.failures.get(k) ?? []).filter((t) => t > now - this.windowMs);
  }
}

function key(email: string, ip: string): string {
  return `${email.trim().toLowerCase()}\n${ip}`;
}
