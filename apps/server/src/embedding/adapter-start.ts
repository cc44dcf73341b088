import type { Embedder, VectorIndex } from '@driftwatch/contracts';
import { isRetryable } from '@driftwatch/contracts';

export interface AdapterStartOptions {
  retry?: { initialMs: number; maxMs: number };
  log: (message: string) => void;
}

/**
 * Starts the embedder, then the vector index, in the background. A retryable failure (Weaviate or the engine
 * down when the process starts) is retried with backoff until it starts or the process stops, so embeddings
 * come on without a restart; a permanent one (model files missing, a refused key) is given up, since only a
 * configuration change helps. Nothing waits on it: ingest goes on meanwhile.
 */
export class AdapterStart {
  private state: 'new' | 'starting' | 'started' | 'failed' | 'stopped' = 'new';
  private why = 'starting the embedder and the vector index';
  private lastLogged: string | null = null;
  private cancelDelay: (() => void) | null = null;
  private settle!: (started: boolean) => void;
  /** True once both started; false once given up for good or stopped. Never rejects. */
  readonly done = new Promise<boolean>((resolve) => (this.settle = resolve));
  private firstTried!: () => void;
  private readonly firstAttempt = new Promise<void>((resolve) => (this.firstTried = resolve));

  constructor(
    private readonly embedder: Embedder,
    private readonly index: VectorIndex,
    private readonly options: AdapterStartOptions,
  ) {}

  /**
   * Resolves after the first attempt: started, given up, or failed retryably and now retried in the background.
   * So a process whose engines answer starts with embeddings ready, as one that waited would.
   */
  start(): Promise<void> {
    if (this.state === 'new') {
      this.state = 'starting';
      void this.run().finally(() => this.firstTried());
    }
    return this.firstAttempt;
  }

  isStarted(): boolean {
    return this.state === 'started';
  }

  /** Why the adapters are not started (yet), for /readyz; null once started. */
  reason(): string | null {
    return this.state === 'started' ? null : this.why;
  }

  /** Stops retrying; the adapters' own shutdown is the caller's. */
  stop(): void {
    if (this.state === 'started' || this.state === 'failed') return;
    this.state = 'stopped';
    this.why = 'shut down';
    this.cancelDelay?.();
    this.settle(false);
    this.firstTried();
  }

  private async run(): Promise<void> {
    const { initialMs, maxMs } = this.options.retry ?? { initialMs: 1_000, maxMs: 30_000 };
    const steps = [
      { what: `embedder ${this.embedder.modelId}`, start: () => this.embedder.start() },
      { what: 'vector index', start: () => this.index.start() },
    ];
    for (const step of steps) {
      for (let attempt = 0; ; attempt++) {
        if (this.stopped()) return;
        try {
          await step.start();
          if (attempt > 0) this.options.log(`embedder: ${step.what} started after ${attempt + 1} attempts`);
          break;
        } catch (error) {
          if (this.stopped()) return;
          const reason = `${step.what} not started: ${(error as Error).message}`;
          const retrying = isRetryable(error);
          // One line per distinct reason: an engine down for hours must not flood the log.
          if (reason !== this.lastLogged)
            this.options.log(`${reason}; ingest goes on without embeddings${retrying ? ', retrying' : ''}`);
          this.lastLogged = reason;
          if (!retrying) {
            this.why = reason;
            this.state = 'failed';
            this.settle(false);
            return;
          }
          this.why = `${reason} (retrying)`;
          this.firstTried();
          await this.delay(Math.min(maxMs, initialMs * 2 ** attempt));
        }
      }
    }
    if (this.stopped()) return;
    this.state = 'started';
    this.settle(true);
  }

  /** A method, not a field test: stop() changes the state while run() awaits. */
  private stopped(): boolean {
    return this.state === 'stopped';
  }

  private delay(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      this.cancelDelay = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
