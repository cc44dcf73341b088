import { describe, expect, it } from 'vitest';
import { cpuBusyGate } from './busy-gate.js';

/** Keeps this thread busy for `ms`, yielding to timers every 20 ms. */
async function burn(ms: number): Promise<void> {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    const slice = performance.now() + 20;
    while (performance.now() < slice) Math.sqrt(Math.random());
    await new Promise((r) => setImmediate(r));
  }
}

describe('cpuBusyGate', () => {
  it('holds while the process is busy and lets go once it is idle', async () => {
    // One core of one: burning a thread is "busy"; after the burn the process idles.
    const gate = cpuBusyGate(0.5, 1);
    const burning = burn(1_500);
    await new Promise((r) => setTimeout(r, 400));
    let released = false;
    const waiting = gate(() => false).then(() => (released = true));
    await new Promise((r) => setTimeout(r, 400));
    expect(released).toBe(false);
    await burning;
    await waiting;
    expect(released).toBe(true);
  });

  it('resolves at once when the stage is stopping, busy or not', async () => {
    const gate = cpuBusyGate(0, 1); // any CPU at all counts as busy
    await new Promise((r) => setTimeout(r, 300));
    await expect(gate(() => true)).resolves.toBeUndefined();
  });
});
