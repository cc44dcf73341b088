import { parentPort } from 'node:worker_threads';
import type { DetectionInput } from '@driftwatch/contracts';
import { detect } from '@driftwatch/detectors';

/** Worker-thread entry (dist/server/detect-worker.js): runs the detectors off the main event loop. */
parentPort?.on('message', ({ id, input }: { id: number; input: DetectionInput }) => {
  try {
    parentPort?.postMessage({ id, result: detect(input) });
  } catch (error) {
    parentPort?.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
