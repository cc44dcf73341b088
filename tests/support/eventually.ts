/**
 * Polls `probe` until `check` passes and returns the last value, passing or not (the caller's expect says what
 * was wanted). The time limit is a guard against hanging on a shared machine, never a speed assertion.
 */
export async function eventually<T>(
  probe: () => Promise<T>,
  check: (value: T) => boolean,
  guardMs = 60_000,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + guardMs;
  for (;;) {
    const value = await probe();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
