import type { DetectionInput, DetectorSettings, SkippedCheck, TimeWindow } from './detection.js';

/** What the detector runner reads and writes besides problems (see detection.ts). */

/** Detector settings per project; null when the project never set them (the runner then uses defaults). */
export interface DetectorSettingsStore {
  get(projectId: string): Promise<DetectorSettings | null>;
  put(projectId: string, settings: DetectorSettings, by: string): Promise<void>;
}

export type DetectionOutcome = 'ok' | 'failed';

/** One detection run over one (project, window). */
export interface DetectionRun {
  projectId: string;
  window: TimeWindow;
  runner: string;
  startedAt: number;
  finishedAt: number;
  outcome: DetectionOutcome;
  /** Why it failed; '' when it did not. */
  error: string;
  findings: number;
  /** Checks that lacked data ("not enough data") and their reasons. */
  skipped: SkippedCheck[];
}

/**
 * Which windows ran, and who may run a project now. claim() is a lease: true when the caller holds the
 * project's lease for leaseMs from now (taking or renewing it), false while another runner holds a live one.
 */
export interface DetectionLedger {
  claim(projectId: string, claimant: string, leaseMs: number): Promise<boolean>;
  /** The windows (by fromMs) among `windows` whose run succeeded. */
  completed(projectId: string, windows: readonly TimeWindow[]): Promise<Set<number>>;
  recordRun(run: DetectionRun): Promise<void>;
  /** The project's latest runs (every attempt), newest window first. */
  recentRuns(projectId: string, limit: number): Promise<DetectionRun[]>;
}

/** Builds a detector's input for a project and a current window (the baseline follows the settings). */
export interface DetectionInputReader {
  read(projectId: string, current: TimeWindow, settings: DetectorSettings): Promise<DetectionInput>;
}
