import { type ChildProcess, fork, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setPriority } from 'node:os';
import type { Deadline, Embedder, EmbeddingBatch } from '@driftwatch/contracts';
import { msLeft, PermanentError, RetryableError, UnavailableError } from '@driftwatch/contracts';
import type { FromChild, ToChild } from './child-protocol.js';
import type { LocalEmbedderOptions } from './local-embedder.js';

export interface ChildProcessEmbedderOptions extends LocalEmbedderOptions {
  /** The child's script: embedder-child.ts bundled to JavaScript (dist/server/embedder-child.js). */
  entry: string;
  /** Nice value of the child, 0-19. Default 19: it only gets the CPU that ingest leaves idle. */
  nice?: number;
  /** Requests waiting or in flight; past it embed() rejects retryably instead of queueing. Default 8. */
  maxPending?: number;
  /** Times one request may be in flight when the child dies before it is refused as permanent. Default 3. */
  maxAttempts?: number;
  /** V8 heap limit of the child, MiB (the model's tensors live outside it). Default 256. */
  maxOldSpaceMiB?: number;
  /** Backoff between restarts of a child that died; reset by a request that succeeds. */
  restart?: { initialMs: number; maxMs: number };
  log?: (message: string) => void;
}

interface Request {
  id: number;
  texts: readonly string[];
  attempts: number;
  resolve: (batch: EmbeddingBatch) => void;
  reject: (error: Error) => void;
}

const MODEL_ID = 'sentence-transformers/all-MiniLM-L6-v2';
const DIMENSIONS = 384;

/**
 * The local MiniLM model in a child process at the lowest CPU priority. In the server's process onnxruntime-node's
 * synchronous inference held the event loop for whole batches (ingest fell from 9,333 to 550 spans/s in
 * bench/ingest); in a reniced child it runs on idle CPU and never on the ingest thread. Requests go one at a time
 * through a bounded queue; a child that dies is restarted with backoff and the request it held is sent again.
 */
export class ChildProcessEmbedder implements Embedder {
  readonly modelId = MODEL_ID;
  readonly dimensions = DIMENSIONS;
  private state: 'new' | 'starting' | 'running' | 'restarting' | 'failed' | 'stopping' | 'stopped' = 'new';
  private child: ChildProcess | null = null;
  /** FIFO; the head is in flight while `inFlight` is set. */
  private readonly queue: Request[] = [];
  private inFlight: Request | null = null;
  private nextId = 1;
  private restarts = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private starting: { resolve: () => void; reject: (error: Error) => void } | null = null;
  private drained: (() => void)[] = [];
  private readonly killOnExit = () => this.child?.kill('SIGKILL');

  constructor(private readonly options: ChildProcessEmbedderOptions) {}

  /** The child's process id while one runs (for logs and tests). */
  get childPid(): number | null {
    return this.child?.pid ?? null;
  }

  async start(): Promise<void> {
    if (this.state !== 'new' && this.state !== 'failed') return;
    this.state = 'starting';
    process.off('exit', this.killOnExit); // once, when a failed start is tried again
    process.on('exit', this.killOnExit);
    try {
      await this.spawnChild();
    } catch (error) {
      if (this.state === 'starting') this.state = 'failed';
      throw error;
    }
    if (this.state !== 'starting') return; // shut down meanwhile
    this.state = 'running';
    this.options.log?.(
      `embedder: ${MODEL_ID} loaded in process ${this.child?.pid} at nice ${this.options.nice ?? 19}: ` +
        'it embeds LLM calls on CPU that ingest leaves idle, and a sample of them when it cannot keep up',
    );
    this.pump();
  }

  isReady(): boolean {
    return this.state === 'running' && this.child !== null;
  }

  async embed(texts: readonly string[]): Promise<EmbeddingBatch> {
    if (this.state !== 'running' && this.state !== 'restarting')
      throw new UnavailableError('the local embedder is not running');
    texts.forEach((text, i) => {
      if (typeof text !== 'string' || text.trim() === '')
        throw new PermanentError(`input ${i} is empty or whitespace only; nothing to embed`);
    });
    if (texts.length === 0) return { vectors: [], truncated: [] };
    if (this.queue.length >= (this.options.maxPending ?? 8))
      throw new RetryableError(`the embedding process has ${this.queue.length} requests waiting`);
    return new Promise<EmbeddingBatch>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, texts, attempts: 0, resolve, reject });
      this.pump();
    });
  }

  /** Finishes the requests taken so far until the deadline, then stops the child (SIGKILL if it lingers). */
  async shutdown(deadline: Deadline): Promise<void> {
    if (this.state === 'stopped') return;
    const wasRunning = this.state === 'running' || this.state === 'restarting';
    this.state = 'stopping';
    if (wasRunning && this.queue.length > 0 && this.child) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.drained.push(resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, msLeft(deadline)))),
      ]);
      clearTimeout(timer);
    }
    this.state = 'stopped';
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.failAll(new UnavailableError('the local embedder shut down'));
    this.starting?.reject(new UnavailableError('the local embedder shut down'));
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), msLeft(deadline))));
      if ((await Promise.race([exited, late])) === 'late') {
        child.kill('SIGKILL');
        await exited;
      }
      clearTimeout(timer);
    }
    this.child = null;
    process.off('exit', this.killOnExit);
  }

  /** Forks the child, renices it and waits until its model is loaded. */
  private spawnChild(): Promise<void> {
    const { entry, modelDir, threads, batchSize } = this.options;
    if (!existsSync(entry)) {
      return Promise.reject(
        new PermanentError(
          `the embedding process's script ${entry} is missing; build the server (scripts/build.mjs)`,
        ),
      );
    }
    const child = fork(entry, [], {
      serialization: 'advanced', // Float32Array vectors cross as they are
      // In the server's session, so in its scheduling group (Linux autogroups share CPU fairly between sessions
      // first): there, at nice 19 from the start, the child (its model load too) gets the CPU ingest leaves.
      detached: false,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // Not the parent's flags (--cpu-prof, --inspect, a test runner's loaders).
      execArgv: [`--max-old-space-size=${this.options.maxOldSpaceMiB ?? 256}`],
    });
    this.child = child;
    this.lowerPriority(child);
    child.on('message', (message: FromChild) => this.onMessage(child, message));
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
    child.on('error', (error) => this.options.log?.(`embedder: embedding process: ${error.message}`));
    return new Promise<void>((resolve, reject) => {
      this.starting = {
        resolve: () => {
          this.starting = null;
          resolve();
        },
        reject: (error) => {
          this.starting = null;
          if (this.child === child) this.child = null; // its exit is this failure, not a crash to restart from
          child.kill('SIGKILL');
          reject(error);
        },
      };
      const options = { modelDir, ...(threads ? { threads } : {}), ...(batchSize ? { batchSize } : {}) };
      this.send(child, { type: 'start', options });
    });
  }

  /**
   * From the fork on, model load included: measured with bench/embeddings/ingest-on-off.mjs, a model loading at
   * normal priority in a session of its own (an autogroup as heavy as the server's) halved ingest while it loaded.
   * Within the server's group, nice 19 weighs about 1.5% against a busy server thread, and all of an idle one.
   */
  private lowerPriority(child: ChildProcess): void {
    const nice = this.options.nice ?? 19;
    if (child.pid === undefined) return;
    try {
      setPriority(child.pid, nice);
      // Lower still where the system allows: SCHED_IDLE runs a thread only on CPU no other thread wants (nice 19
      // still took a share from a server that was busy but not saturating: ingest-on-off measured 0.86).
      // Threads the child starts later (onnxruntime's) inherit it. Without chrt, nice 19 alone applies.
      if (nice === 19) {
        spawnSync('chrt', ['--all-tasks', '--idle', '--pid', '0', String(child.pid)], { stdio: 'ignore' });
      }
    } catch (error) {
      this.options.log?.(
        `embedder: could not lower the embedding process's priority: ${(error as Error).message}`,
      );
    }
  }

  private onMessage(child: ChildProcess, message: FromChild): void {
    if (child !== this.child) return;
    switch (message.type) {
      case 'started':
        this.starting?.resolve();
        return;
      case 'start-failed':
        this.starting?.reject(
          message.retryable ? new RetryableError(message.message) : new PermanentError(message.message),
        );
        return;
      case 'embedded':
      case 'embed-failed': {
        const request = this.inFlight;
        if (!request || request.id !== message.id) return;
        this.inFlight = null;
        this.queue.shift();
        if (message.type === 'embedded') {
          this.restarts = 0;
          request.resolve({ vectors: message.vectors, truncated: message.truncated });
        } else {
          request.reject(
            message.retryable ? new RetryableError(message.message) : new PermanentError(message.message),
          );
        }
        this.pump();
      }
    }
  }

  /** A child that died unasked for is restarted; the request it held goes first to the new one. */
  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    this.child = null;
    const how = signal ?? `code ${code}`;
    if (this.starting) {
      // start() or restart() sees this failure and decides.
      this.starting.reject(new RetryableError(`the embedding process exited while starting (${how})`));
      return;
    }
    if (this.state === 'stopped' || this.state === 'failed') return;
    if (this.state === 'stopping') {
      this.failAll(new UnavailableError(`the embedding process exited during shutdown (${how})`));
      return;
    }
    const request = this.inFlight;
    this.inFlight = null;
    let retry = '';
    if (request && ++request.attempts >= (this.options.maxAttempts ?? 3)) {
      this.queue.shift();
      request.reject(
        new PermanentError(`the embedding process died ${request.attempts} times on this request (${how})`),
      );
    } else if (request) {
      retry = `, then sends its ${request.texts.length} texts again`;
    }
    this.options.log?.(`embedder: the embedding process ${child.pid} exited (${how}); restarting it${retry}`);
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    this.state = 'restarting';
    const { initialMs, maxMs } = this.options.restart ?? { initialMs: 200, maxMs: 30_000 };
    const delay = Math.min(maxMs, initialMs * 2 ** this.restarts++);
    this.restartTimer = setTimeout(() => void this.restart(), delay);
    this.restartTimer.unref();
  }

  private async restart(): Promise<void> {
    this.restartTimer = null;
    if (this.state !== 'restarting') return;
    try {
      await this.spawnChild();
    } catch (error) {
      if (this.state !== 'restarting') return;
      if (error instanceof PermanentError) {
        this.options.log?.(`embedder: the embedding process cannot restart: ${error.message}`);
        this.state = 'failed';
        this.failAll(error);
        return;
      }
      this.scheduleRestart();
      return;
    }
    if (this.state !== 'restarting') return;
    this.state = 'running';
    this.options.log?.(`embedder: the embedding process restarted (pid ${this.child?.pid})`);
    this.pump();
  }

  /** Sends the head of the queue when nothing is in flight and the child is up. */
  private pump(): void {
    if (this.queue.length === 0) {
      for (const resolve of this.drained.splice(0)) resolve();
      return;
    }
    const child = this.child;
    if (this.inFlight || !child || this.starting) return;
    if (this.state !== 'running' && this.state !== 'stopping') return;
    const request = this.queue[0]!;
    this.inFlight = request;
    this.send(child, { type: 'embed', id: request.id, texts: request.texts });
  }

  /** A send on a closed channel is the child dying: its 'exit' handler takes over. */
  private send(child: ChildProcess, message: ToChild): void {
    try {
      child.send(message);
    } catch {
      // handled by onExit
    }
  }

  private failAll(error: Error): void {
    this.inFlight = null;
    for (const request of this.queue.splice(0)) request.reject(error);
    for (const resolve of this.drained.splice(0)) resolve();
  }
}
