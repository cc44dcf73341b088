/**
 * Every long-lived component (queue, store, receiver) follows these rules, as the OTel Collector does:
 * start() returns quickly; shutdown() is safe without start(), safe to repeat, flushes what it buffers
 * downstream and gives up when the deadline passes.
 */
export interface Lifecycle {
  start(): Promise<void>;
  shutdown(deadline: Deadline): Promise<void>;
}

/** An absolute point in time (ms since epoch) after which shutdown stops waiting. */
export type Deadline = { readonly atMs: number };

export function deadlineIn(ms: number): Deadline {
  return { atMs: Date.now() + ms };
}

export function msLeft(deadline: Deadline): number {
  return Math.max(0, deadline.atMs - Date.now());
}
