import type { ProjectStore, RetentionStore } from '@driftwatch/contracts';

/**
 * Enforces per-project retention shorter than the global TTL: once shortly after start, then every hour, a
 * lightweight DELETE per project with retention_days > 0. The global TTL on the spans table still applies.
 */
export class RetentionSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly projects: ProjectStore,
    private readonly retention: RetentionStore,
    private readonly log: (message: string) => void,
    private readonly everyMs = 3_600_000,
  ) {}

  start(firstAfterMs = 60_000): void {
    const tick = () => {
      this.running = this.sweep().finally(() => (this.running = null));
      this.timer = setTimeout(tick, this.everyMs).unref();
    };
    this.timer = setTimeout(tick, firstAfterMs).unref();
  }

  async sweep(): Promise<void> {
    try {
      for (const project of await this.projects.listProjects()) {
        if (project.retentionDays > 0)
          await this.retention.deleteSpansOlderThan(project.projectId, project.retentionDays);
      }
    } catch (error) {
      this.log(`retention sweep failed (will retry next hour): ${(error as Error).message}`);
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
