/**
 * Runs `round` every `intervalMs` (the next round is scheduled when one ends, so rounds never overlap); a failed
 * round is logged and the loop goes on. stop() waits for the round in progress.
 */
export class IntervalLoop {
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly intervalMs: number,
    private readonly work: () => Promise<unknown>,
    private readonly onError: (error: Error) => void,
  ) {}

  get isStopped(): boolean {
    return this.stopped;
  }

  start(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.round = this.work()
        .then(() => undefined)
        .catch((error: unknown) => this.onError(error as Error))
        .finally(() => {
          this.round = null;
          this.start();
        });
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.round;
  }
}
