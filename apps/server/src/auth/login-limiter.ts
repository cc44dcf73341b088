/**
 * Who may try a password now. Keys an attacker cannot rotate (the account, the address as clientAddress()
 * establishes it), and a lock that always ends:
 * - email+address: after `pairFreeFailures` failures, a delay that doubles with each further failure, up to
 *   `maxDelayMs`; a success clears it. This is what a single guesser meets.
 * - address: at most `addressFailures` failures per `addressWindowMs` over all accounts (password spraying).
 * - account, over all addresses: after `accountFreeFailures`, the same doubling delay, for guessers spread
 *   over many addresses. Addresses the account signed in from successfully before are exempt, so the real
 *   user from a known address still gets in while the account is under attack; from a new address they wait
 *   out at most maxDelayMs.
 * Attempts refused by a delay are not failures: hammering does not extend the lock. In memory and bounded: a
 * restart forgets, which is acceptable for one process (each API process limits on its own).
 */
export interface LoginLimits {
  pairFreeFailures: number;
  accountFreeFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
  addressFailures: number;
  addressWindowMs: number;
  /** How long a successful email+address pair stays exempt from the account-wide delay. */
  knownAddressMs: number;
  /** Entries kept per map; the oldest are forgotten first. */
  maxEntries: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  pairFreeFailures: 5,
  accountFreeFailures: 20,
  baseDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  addressFailures: 50,
  addressWindowMs: 15 * 60_000,
  knownAddressMs: 30 * 86_400_000,
  maxEntries: 100_000,
};

interface Streak {
  failures: number;
  lastFailureMs: number;
}

export class LoginLimiter {
  private readonly pairs = new BoundedMap<string, Streak>();
  private readonly accounts = new BoundedMap<string, Streak>();
  private readonly addresses = new BoundedMap<string, number[]>();
  private readonly known = new BoundedMap<string, number>();
  readonly limits: LoginLimits;

  constructor(limits: Partial<LoginLimits> = {}) {
    this.limits = { ...DEFAULT_LOGIN_LIMITS, ...limits };
    for (const map of [this.pairs, this.accounts, this.addresses, this.known])
      map.max = this.limits.maxEntries;
  }

  /** Seconds to wait before another attempt, or 0 when allowed. */
  retryAfterSeconds(email: string, address: string, now = Date.now()): number {
    const account = normalize(email);
    const pair = `${account}\n${address}`;
    const waits = [
      this.delayLeft(this.pairs.get(pair), this.limits.pairFreeFailures, now),
      this.isKnown(pair, now)
        ? 0
        : this.delayLeft(this.accounts.get(account), this.limits.accountFreeFailures, now),
      this.addressWaitMs(address, now),
    ];
    const ms = Math.max(...waits);
    return ms > 0 ? Math.max(1, Math.ceil(ms / 1000)) : 0;
  }

  recordFailure(email: string, address: string, now = Date.now()): void {
    const account = normalize(email);
    this.bump(this.pairs, `${account}\n${address}`, now);
    this.bump(this.accounts, account, now);
    this.addresses.set(
      address,
      [...this.recentFailures(address, now), now].slice(-this.limits.addressFailures),
    );
  }

  /** Clears the address's streak on this account and remembers the address as the account's. */
  recordSuccess(email: string, address: string, now = Date.now()): void {
    const pair = `${normalize(email)}\n${address}`;
    this.pairs.delete(pair);
    this.known.set(pair, now);
  }

  private delayLeft(streak: Streak | undefined, free: number, now: number): number {
    if (!streak || streak.failures < free) return 0;
    const delay = Math.min(this.limits.maxDelayMs, this.limits.baseDelayMs * 2 ** (streak.failures - free));
    return Math.max(0, streak.lastFailureMs + delay - now);
  }

  private bump(map: BoundedMap<string, Streak>, key: string, now: number): void {
    const streak = map.get(key);
    // A streak quiet for longer than the longest delay starts over.
    const stale = !streak || now - streak.lastFailureMs > 2 * this.limits.maxDelayMs;
    map.set(key, { failures: stale ? 1 : streak.failures + 1, lastFailureMs: now });
  }

  private isKnown(pair: string, now: number): boolean {
    const at = this.known.get(pair);
    return at !== undefined && now - at < this.limits.knownAddressMs;
  }

  private recentFailures(address: string, now: number): number[] {
    return (this.addresses.get(address) ?? []).filter((t) => t > now - this.limits.addressWindowMs);
  }

  private addressWaitMs(address: string, now: number): number {
    const recent = this.recentFailures(address, now);
    if (recent.length < this.limits.addressFailures) return 0;
    return recent[recent.length - this.limits.addressFailures]! + this.limits.addressWindowMs - now;
  }
}

function normalize(email: string): string {
  return email.trim().toLowerCase();
}

/** A Map that forgets its oldest entry past `max` (insertion order; a set moves the key to the end). */
class BoundedMap<K, V> extends Map<K, V> {
  max = 100_000;

  override set(key: K, value: V): this {
    super.delete(key);
    super.set(key, value);
    if (this.size > this.max) super.delete(this.keys().next().value!);
    return this;
  }
}
