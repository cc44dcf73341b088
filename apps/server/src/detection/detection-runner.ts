import type {
  DetectionInput,
  DetectionInputReader,
  DetectionLedger,
  DetectionResult,
  DetectorSettings,
  DetectorSettingsStore,
  ProblemStore,
  ProjectStore,
  SkippedCheck,
  TimeWindow,
} from '@driftwatch/contracts';

export interface DetectionRunnerOptions {
  /** The detectors (pure; in a worker thread when the server is built). */
  detect: (input: DetectionInput) => DetectionResult | Promise<DetectionResult>;
  reader: DetectionInputReader;
  problems: ProblemStore;
  ledger: DetectionLedger;
  settings: DetectorSettingsStore;
  projects: ProjectStore;
  defaults: DetectorSettings;
  /** This runner's id in the leases (host and pid). */
  runnerId: string;
  /** How long a claim on a project holds; a runner that dies gives the project up after this. */
  leaseMs: number;
  /** How often the role looks for completed windows not yet run. */
  intervalMs: number;
  /** A window runs this long after it ends, so spans exported late are in it. */
  settleMs: number;
  /** The role runs the last this-many completed windows that have not run (a restart catches up). */
  catchUpWindows: number;
  log: (message: string) => void;
}

export interface WindowResult {
  window: TimeWindow;
  outcome: 'ok' | 'failed' | 'already_done';
  findings: number;
  problems: number;
  skipped: SkippedCheck[];
  error?: string;
}

export class ProjectBusyError extends Error {
  constructor(projectId: string) {
    super(`another runner is detecting for project ${projectId} now; retry in a few seconds`);
  }
}

/** Whole windows of `windowMs` inside [fromMs, toMs), aligned to the epoch, oldest first. */
export function windowsIn(fromMs: number, toMs: number, windowMs: number): TimeWindow[] {
  const windows: TimeWindow[] = [];
  for (let start = Math.ceil(fromMs / windowMs) * windowMs; start + windowMs <= toMs; start += windowMs)
    windows.push({ fromMs: start, toMs: start + windowMs });
  return windows;
}

/**
 * Runs the detectors over (project, window)s: reads the input, detects, records problems, records the run. A
 * window whose run succeeded is not run again (unless asked), and a project is worked on by the runner holding
 * its lease, so a re-run or a second runner never opens a problem twice (the problem store's upsert by cause
 * guards the rest). The `detector` role calls tick() on an interval; backfill() serves POST /api/detectors/run.
 * Work on one project is serialized in this process (the interval and a backfill never interleave).
 */
export class DetectionRunner {
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;
  private stopped = false;
  private readonly busy = new Map<string, Promise<unknown>>();
  private readonly failing = new Map<string, string>();
  private state = {
    rounds: 0,
    windowsRun: 0,
    failures: 0,
    lastRoundAt: null as string | null,
    lastError: null as string | null,
  };

  constructor(private readonly o: DetectionRunnerOptions) {}

  /** The role's loop: every intervalMs, each project's completed windows that have not run. */
  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.round;
  }

  /** Shown on /readyz; failing means the last attempt at some project's window failed (retried next round). */
  health(): { ready: boolean; reason?: string; [detail: string]: unknown } {
    const reason = [...this.failing].map(([p, r]) => `project ${p}: ${r}`).join('; ');
    return {
      ready: this.failing.size === 0,
      ...(reason ? { reason: `detection failing (retried next round): ${reason}` } : {}),
      runner: this.o.runnerId,
      intervalMs: this.o.intervalMs,
      ...this.state,
    };
  }

  async settingsFor(projectId: string): Promise<DetectorSettings> {
    return (await this.o.settings.get(projectId)) ?? this.o.defaults;
  }

  /** One round of the role over every project. */
  async tick(nowMs = Date.now()): Promise<void> {
    for (const project of await this.o.projects.listProjects()) {
      if (this.stopped) return;
      await this.exclusive(project.projectId, () => this.catchUp(project.projectId, nowMs)).catch(
        (error: unknown) => this.fail(project.projectId, `round failed: ${(error as Error).message}`),
      );
    }
    this.state.rounds += 1;
    this.state.lastRoundAt = new Date().toISOString();
  }

  /** Detection over the whole windows of [fromMs, toMs), oldest first. ProjectBusyError when another runner has it. */
  async backfill(projectId: string, windows: TimeWindow[], rerun: boolean): Promise<WindowResult[]> {
    return this.exclusive(projectId, async () => {
      const settings = await this.settingsFor(projectId);
      const done = rerun ? new Set<number>() : await this.o.ledger.completed(projectId, windows);
      const results: WindowResult[] = [];
      for (const window of windows) {
        if (done.has(window.fromMs)) {
          results.push({ window, outcome: 'already_done', findings: 0, problems: 0, skipped: [] });
          continue;
        }
        if (!(await this.o.ledger.claim(projectId, this.o.runnerId, this.o.leaseMs)))
          throw new ProjectBusyError(projectId);
        results.push(await this.runWindow(projectId, window, settings));
      }
      return results;
    });
  }

  private async catchUp(projectId: string, nowMs: number): Promise<void> {
    const settings = await this.settingsFor(projectId);
    const width = settings.windowMs;
    const end = Math.floor((nowMs - this.o.settleMs) / width) * width;
    const recent = windowsIn(end - this.o.catchUpWindows * width, end, width);
    const done = await this.o.ledger.completed(projectId, recent);
    for (const window of recent.filter((w) => !done.has(w.fromMs))) {
      if (this.stopped) return;
      // Claimed (or renewed) before each window, so a runner that dies gives the project up within a lease.
      if (!(await this.o.ledger.claim(projectId, this.o.runnerId, this.o.leaseMs))) return;
      // Another runner may have run it between our read and our claim.
      if ((await this.o.ledger.completed(projectId, [window])).size > 0) continue;
      await this.runWindow(projectId, window, settings);
    }
  }

  private async runWindow(
    projectId: string,
    window: TimeWindow,
    settings: DetectorSettings,
  ): Promise<WindowResult> {
    const startedAt = Date.now();
    const run = { projectId, window, runner: this.o.runnerId, startedAt };
    try {
      const input = await this.o.reader.read(projectId, window, settings);
      const result = await this.o.detect(input);
      const recorded = await this.o.problems.record(projectId, result.findings, {
        baseline: input.baseline,
        current: window,
      });
      await this.o.ledger.recordRun({
        ...run,
        finishedAt: Date.now(),
        outcome: 'ok',
        error: '',
        findings: result.findings.length,
        skipped: result.skipped,
      });
      this.state.windowsRun += 1;
      this.failing.delete(projectId);
      return {
        window,
        outcome: 'ok',
        findings: result.findings.length,
        problems: recorded.length,
        skipped: result.skipped,
      };
    } catch (error) {
      const reason = (error as Error).message;
      this.fail(projectId, `window ${iso(window)}: ${reason}`);
      await this.o.ledger
        .recordRun({
          ...run,
          finishedAt: Date.now(),
          outcome: 'failed',
          error: reason,
          findings: 0,
          skipped: [],
        })
        .catch(() => undefined);
      return { window, outcome: 'failed', findings: 0, problems: 0, skipped: [], error: reason };
    }
  }

  private fail(projectId: string, reason: string): void {
    this.state.failures += 1;
    this.state.lastError = `project ${projectId}: ${reason}`;
    this.failing.set(projectId, reason);
    this.o.log(`detector: project ${projectId}: ${reason} (retried next round)`);
  }

  /** Runs `work` after whatever this process is already doing for the project. */
  private exclusive<T>(projectId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.busy.get(projectId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    const settled = next.catch(() => undefined);
    this.busy.set(projectId, settled);
    void settled.then(() => {
      if (this.busy.get(projectId) === settled) this.busy.delete(projectId);
    });
    return next;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.round = this.tick()
        .catch((error: unknown) => this.o.log(`detector: round failed: ${(error as Error).message}`))
        .finally(() => {
          this.round = null;
          this.schedule(this.o.intervalMs);
        });
    }, delayMs);
    this.timer.unref();
  }
}

function iso(w: TimeWindow): string {
  return `${new Date(w.fromMs).toISOString()}..${new Date(w.toMs).toISOString()}`;
}
