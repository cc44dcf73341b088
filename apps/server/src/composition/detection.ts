import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ClickHouseClient } from '@clickhouse/client';
import type {
  DetectionLedger,
  DetectorSettingsStore,
  ProblemStore,
  ProjectStore,
  VectorIndex,
} from '@driftwatch/contracts';
import { DEFAULT_DETECTOR_SETTINGS } from '@driftwatch/api-schema';
import { detect } from '@driftwatch/detectors';
import {
  ClickHouseDetectionInputReader,
  ClickHouseDetectionLedger,
  ClickHouseDetectorSettingsStore,
  ClickHouseProblemStore,
  type DetectionInputReaderOptions,
} from '@driftwatch/store-clickhouse';
import type { DriftwatchConfig } from '../config/config.js';
import { DetectInWorker } from '../detection/detect-in-worker.js';
import { DetectionRunner } from '../detection/detection-runner.js';

export interface Detection {
  problems: ProblemStore;
  settings: DetectorSettingsStore;
  ledger: DetectionLedger;
  /** Runs windows on demand (backfill) in every process with the api role, and on an interval in the detector role. */
  runner: DetectionRunner;
  /** /readyz details: shown, never required (ingest and the API work without detection). */
  check(): { ready: boolean; reason?: string; [detail: string]: unknown };
  stop(): Promise<void>;
}

/** Problems, settings, the run ledger and the input reader in ClickHouse; the detectors of @driftwatch/detectors. */
export function createDetection(
  config: DriftwatchConfig,
  client: ClickHouseClient,
  projects: ProjectStore,
  index: () => VectorIndex | null,
  log: (message: string) => void,
  feedback?: DetectionInputReaderOptions['feedback'],
): Detection {
  const problems = new ClickHouseProblemStore(client, config.database);
  const settings = new ClickHouseDetectorSettingsStore(client, config.database);
  const ledger = new ClickHouseDetectionLedger(client, config.database);
  // Built, the worker entry sits beside main.js (scripts/build.mjs); run from source (tests), detection runs inline.
  const workerFile = new URL('./detect-worker.js', import.meta.url);
  const worker = existsSync(fileURLToPath(workerFile)) ? new DetectInWorker(workerFile) : null;
  const runner = new DetectionRunner({
    detect: worker ? worker.detect : (input) => detect(input),
    reader: new ClickHouseDetectionInputReader(client, config.database, {
      index,
      onVectorError: (error) =>
        log(`detector: vector sample failed, metric regressions only: ${(error as Error).message}`),
      ...(feedback ? { feedback } : {}),
    }),
    problems,
    ledger,
    settings,
    projects,
    defaults: DEFAULT_DETECTOR_SETTINGS,
    runnerId: `${hostname()}:${process.pid}`,
    ...config.detector,
    log,
  });
  const role = config.roles.has('detector');
  if (role) runner.start();
  return {
    problems,
    settings,
    ledger,
    runner,
    check: () => ({
      ...(role ? runner.health() : { ready: true, role: 'not run by this process' }),
      detectorsRunIn: worker ? 'worker thread' : 'main thread',
    }),
    stop: async () => {
      await runner.stop();
      await worker?.stop();
    },
  };
}
