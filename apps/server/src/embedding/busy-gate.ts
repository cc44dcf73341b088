import { availableParallelism } from 'node:os';

/**
 * Waits while this process is busy: its CPU (every thread, the store engine's included) over the last quarter
 * second above `maxShare` of the machine's cores. The embedding stage waits on it before each batch when ingest
 * runs in the same process: measured with bench/embeddings/ingest-on-off.mjs, an embedder even at the lowest
 * priority (nice 19, SCHED_IDLE) cost ingest 13-17% on two vCPUs, since it runs on the sibling of a busy core.
 * While ingest is busy the stage's queue fills and it samples (rates stored); it catches up when ingest quiets.
 */
export function cpuBusyGate(
  maxShare = 0.5,
  cores = availableParallelism(),
): (stopping: () => boolean) => Promise<void> {
  const stepMs = 250;
  let last = { at: performance.now(), cpu: process.cpuUsage() };
  let busy = false;
  const sample = () => {
    const now = { at: performance.now(), cpu: process.cpuUsage() };
    const wallUs = (now.at - last.at) * 1000;
    if (wallUs < stepMs * 1000) return busy;
    const usedUs = now.cpu.user - last.cpu.user + (now.cpu.system - last.cpu.system);
    busy = usedUs / wallUs > maxShare * cores;
    last = now;
    return busy;
  };
  return async (stopping) => {
    while (sample() && !stopping()) await new Promise((r) => setTimeout(r, stepMs));
  };
}
