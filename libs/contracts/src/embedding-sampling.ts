/**
 * One window (a minute of call start time) of one project in the embedding stage: how many LLM calls with text
 * to embed arrived, and how many of them were embedded. When the stage cannot keep up it embeds a random sample,
 * so a share computed from the vectors is weighted by seen / embedded of each call's window.
 */
export interface SamplingWindow {
  projectId: string;
  /** Start of the window, ms since epoch (a whole minute). */
  windowStartMs: number;
  seen: number;
  embedded: number;
}

/**
 * Where sampling windows are kept. add() adds to the counts already stored (several flushes and several
 * embedder processes each add their part); it rejects with RetryableError when the store may take them later.
 */
export interface SamplingRateStore {
  add(windows: readonly SamplingWindow[]): Promise<void>;
  /** The project's windows in [fromMs, toMs), oldest first, counts summed. */
  windows(projectId: string, fromMs: number, toMs: number): Promise<SamplingWindow[]>;
}
