import { parentPort, workerData } from 'node:worker_threads';
import { fitModel, type FitInput } from './fit-model.js';

// Entry of the worker thread a fit runs in (bundled as dist/server/topics-worker.js): choosing k and k-means take
// seconds of CPU, which must not stall the event loop that serves ingest and the API.
parentPort?.postMessage(fitModel(workerData as FitInput));
