import { Worker } from 'node:worker_threads';
import { fitModel, type FitInput, type FitOutput } from './fit-model.js';

export type FitRunner = (input: FitInput) => Promise<FitOutput>;

/** In the calling thread (tests, small windows). */
export const fitInline: FitRunner = async (input) => fitModel(input);

/** Heap of a fit's worker: the 3,000-vector sample's two distance matrices are 72 MB; this leaves ample room. */
const WORKER_HEAP_MB = 768;

/**
 * In a worker thread started for the fit and ended with it (fits are hours apart): the server's event loop keeps
 * serving while k is chosen. `script` is the bundled fit-worker entry.
 */
export function fitInWorker(script: URL): FitRunner {
  return (input) =>
    new Promise<FitOutput>((resolve, reject) => {
      const worker = new Worker(script, {
        workerData: input,
        resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
      });
      let settled = false;
      worker.once('message', (output: FitOutput) => {
        settled = true;
        resolve(output);
        void worker.terminate();
      });
      worker.once('error', (error) => {
        settled = true;
        reject(error);
      });
      worker.once('exit', (code) => {
        if (!settled) reject(new Error(`topic fit worker exited with code ${code} before answering`));
      });
    });
}
