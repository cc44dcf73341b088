export interface AdmissionLimits {
  maxInflightRequests: number;
  maxInflightBytes: number;
}

/**
 * The in-flight budget shared by OTLP/HTTP and OTLP/gRPC: request slots, and bytes held in memory (raw
 * and decompressed bodies). A request takes a ticket before anything is read; everything it holds comes
 * back when its ticket is released, which happens once however the request ends.
 */
export class Admission {
  private requests = 0;
  private bytes = 0;

  constructor(private readonly limits: AdmissionLimits) {}

  /** A ticket holding one slot, or null when all slots are taken (answer 'saturated' right away). */
  tryAdmit(): AdmissionTicket | null {
    if (this.requests >= this.limits.maxInflightRequests) return null;
    this.requests += 1;
    return new AdmissionTicket(this);
  }

  get inflightRequests(): number {
    return this.requests;
  }

  get inflightBytes(): number {
    return this.bytes;
  }

  get maxBytes(): number {
    return this.limits.maxInflightBytes;
  }

  /** @internal for AdmissionTicket */
  takeBytes(count: number): boolean {
    if (this.bytes + count > this.limits.maxInflightBytes) return false;
    this.bytes += count;
    return true;
  }

  /** @internal for AdmissionTicket */
  giveBack(bytes: number): void {
    this.requests -= 1;
    this.bytes -= bytes;
  }
}

/**
 * One admitted request's share of the budget. It is held by the transport (until the response is sent
 * or the connection is gone) and, through retain(), by the work done for the request (until decode and
 * queueing return, even after the client left), so memory still in use is never handed to another
 * request. Every release function is idempotent: hooks that fire twice for one ending cost nothing.
 */
export class AdmissionTicket {
  private holders = 1;
  private bytes = 0;
  private freed = false;
  /** The transport's hold, taken at admission. */
  readonly release: () => void;

  constructor(private readonly admission: Admission) {
    this.release = this.once();
  }

  /** Another hold on the ticket; null when it was already freed (the client is gone, skip the work). */
  retain(): (() => void) | null {
    if (this.freed) return null;
    this.holders += 1;
    return this.once();
  }

  /** Counts bytes about to be held in memory against the budget; false when the budget has no room. */
  reserve(count: number): boolean {
    if (this.freed) return false;
    if (!this.admission.takeBytes(count)) return false;
    this.bytes += count;
    return true;
  }

  /**
   * Like reserve(), for working memory that can exceed the whole budget (decoding a large body): the part
   * past what the budget could ever give this request is not asked for, so a request alone in flight
   * always proceeds, and memory stays within the budget or one request's own need.
   */
  reserveWorking(count: number): boolean {
    return this.reserve(Math.min(count, Math.max(0, this.admission.maxBytes - this.bytes)));
  }

  get reservedBytes(): number {
    return this.bytes;
  }

  private once(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.holders -= 1;
      if (this.holders === 0) {
        this.freed = true;
        this.admission.giveBack(this.bytes);
        this.bytes = 0;
      }
    };
  }
}
