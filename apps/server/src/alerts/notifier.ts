import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { isRetryable } from '@driftwatch/contracts';
import type {
  AlertDestination,
  AlertDestinationStore,
  AlertSender,
  ClaimedNotification,
  Outbox,
  ProjectStore,
  SendOutcome,
} from '@driftwatch/contracts';
import { nextStep, type RetryPolicy } from '@driftwatch/alerts';

export interface NotifierOptions {
  outbox: Outbox;
  destinations: AlertDestinationStore;
  sender: AlertSender;
  projects: ProjectStore;
  policy: RetryPolicy;
  pollMs: number;
  leaseMs: number;
  /** The longest one send can take; a claimed item is not started unless its lease outlasts it. */
  sendTimeoutMs: number;
  log: (message: string) => void;
}

/** Claimed per project per round: bounds memory and how long one round holds leases. */
const BATCH = 20;

/**
 * The notifier role: drains the outbox of every project. Claims what is due, sends it, records the try and
 * what follows (sent, failed, or a retry time). What is not recorded as sent stays pending, so a crash
 * between recording and sending, or during a send, sends again after the lease expires (same webhook-id).
 */
export class Notifier {
  /** Unique per process, so leases tell notifier processes apart. */
  readonly claimant = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(private readonly options: NotifierOptions) {}

  start(): void {
    this.schedule(0);
  }

  /** Looks for due work now (a test message was just recorded); otherwise it waits for the next poll. */
  wake(): void {
    if (this.stopped) return;
    if (this.round) this.again = true;
    else this.schedule(0);
  }

  /** Stops polling and waits for the round in flight (its sends are bounded by the HTTP timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.round;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.round = this.drain()
        .catch((error: unknown) => this.options.log(`notifier round failed: ${(error as Error).message}`))
        .finally(() => {
          this.round = null;
          const soon = this.again;
          this.again = false;
          this.schedule(soon ? 0 : this.options.pollMs);
        });
    }, delayMs);
    this.timer.unref();
  }

  private async drain(): Promise<void> {
    for (const project of await this.options.projects.listProjects()) {
      if (this.stopped) return;
      const { outbox, leaseMs, sendTimeoutMs } = this.options;
      const leasedAt = Date.now();
      const claimed = await outbox.claimDue(project.projectId, this.claimant, BATCH, leaseMs);
      for (const item of claimed) {
        if (this.stopped) return;
        // Past this, another notifier may take the item: leave it to be claimed again rather than send twice.
        if (Date.now() + sendTimeoutMs > leasedAt + leaseMs) break;
        await this.deliver(item);
      }
      if (claimed.length === BATCH) this.again = true;
    }
  }

  /** A store failure ends the round (the item is tried again later); a destination that cannot work fails it. */
  private async send(item: ClaimedNotification): Promise<SendOutcome> {
    let destination: AlertDestination | null;
    try {
      destination = await this.options.destinations.get(item.projectId, item.destinationId);
    } catch (error) {
      if (isRetryable(error)) throw error;
      return { status: 'permanent', latencyMs: 0, error: (error as Error).message };
    }
    if (!destination) return { status: 'permanent', latencyMs: 0, error: 'the destination was removed' };
    if (!destination.enabled)
      return { status: 'permanent', latencyMs: 0, error: 'the destination is disabled' };
    return this.options.sender.send(destination, item);
  }

  private async deliver(item: ClaimedNotification): Promise<void> {
    const { outbox, policy, log } = this.options;
    const outcome = await this.send(item);
    const now = Date.now();
    const next = nextStep(outcome, item.attempt, Date.parse(item.createdAt), now, policy);
    await outbox.record(
      item,
      {
        notificationId: item.notificationId,
        destinationId: item.destinationId,
        attempt: item.attempt,
        time: new Date(now).toISOString(),
        outcome: outcome.status,
        statusCode: outcome.statusCode ?? null,
        latencyMs: outcome.latencyMs,
        error: outcome.status === 'delivered' ? '' : outcome.error,
      },
      next,
    );
    if (outcome.status !== 'delivered') {
      // Names the destination by id: its URL is a credential.
      const then =
        next.state === 'retry' ? `retry at ${new Date(next.dueAt).toISOString()}` : 'marked failed';
      log(
        `alert ${item.notificationId} to destination ${item.destinationId} (project ${item.projectId}), try ${item.attempt}: ${outcome.error}; ${then}`,
      );
    }
  }
}
