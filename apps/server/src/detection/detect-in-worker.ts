import { Worker } from 'node:worker_threads';
import type { DetectionInput, DetectionResult } from '@driftwatch/contracts';

type Reply = { id: number; result?: DetectionResult; error?: string };

/**
 * The detectors in a worker thread: one detection is seconds of statistics (permutations, bootstraps), which on
 * the main thread would hold up ingest and the API of the same process. One worker, started on first use,
 * requests answered by id; a worker that dies fails what it had and is started again for the next request.
 */
export class DetectInWorker {
  private worker: Worker | null = null;
  private nextId = 0;
  private readonly pending = new Map<
    number,
    { resolve: (r: DetectionResult) => void; reject: (e: Error) => void }
  >();

  constructor(private readonly file: URL) {}

  readonly detect = (input: DetectionInput): Promise<DetectionResult> =>
    new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.started().postMessage({ id, input });
    });

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.file);
    worker.unref();
    worker.on('message', ({ id, result, error }: Reply) => {
      const waiting = this.pending.get(id);
      this.pending.delete(id);
      if (error !== undefined || !result) waiting?.reject(new Error(`detectors failed: ${error}`));
      else waiting?.resolve(result);
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const [id, waiting] of this.pending) {
        this.pending.delete(id);
        waiting.reject(new Error(`detector worker stopped: ${error.message}`));
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    this.worker = worker;
    return worker;
  }
}
