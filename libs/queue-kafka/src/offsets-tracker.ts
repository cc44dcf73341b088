/** One handed-out range of a partition, settled (acked or dead-lettered) at most once. */
export interface Ticket<H> {
  readonly partition: string;
  /** Offset of the last message of the range; committing it means committing lastOffset + 1. */
  readonly lastOffset: bigint;
  readonly records: number;
  readonly handle: H;
  settled: boolean;
  /** Handed out before a rebalance or a rewind of its partition: settling it commits nothing. */
  stale: boolean;
}

/**
 * Decides which offset may be committed: per partition, only the end of the longest prefix of settled ranges,
 * so a later ack never commits past an earlier unsettled delivery. Pure bookkeeping, no I/O.
 * Stale tickets (after reset() or rewind()) still free their records when settled but commit nothing: the
 * partition is read again from its committed offset, by this member or by the one it now belongs to.
 */
export class OffsetsTracker<H> {
  private readonly partitions = new Map<string, Ticket<H>[]>();
  /** Highest offset handed out per partition since the last reset or rewind (kept after its ticket settled). */
  private readonly highWaters = new Map<string, bigint>();
  private pending = 0;

  /** Records handed out and not yet settled, stale ones included. */
  get pendingRecords(): number {
    return this.pending;
  }

  track(partition: string, lastOffset: bigint, records: number, handle: H): Ticket<H> {
    const previous = this.highWaters.get(partition);
    if (previous !== undefined && previous >= lastOffset) {
      throw new Error(`offset ${lastOffset} of ${partition} is not after ${previous}`);
    }
    const ticket: Ticket<H> = { partition, lastOffset, records, handle, settled: false, stale: false };
    const list = this.partitions.get(partition);
    if (list) list.push(ticket);
    else this.partitions.set(partition, [ticket]);
    this.highWaters.set(partition, lastOffset);
    this.pending += records;
    return ticket;
  }

  /** Marks the ticket settled; returns the ticket whose offset may now be committed, or null. */
  settle(ticket: Ticket<H>): Ticket<H> | null {
    if (ticket.settled) return null;
    ticket.settled = true;
    this.pending -= ticket.records;
    if (ticket.stale) return null;
    const list = this.partitions.get(ticket.partition);
    if (!list) return null;
    let commit: Ticket<H> | null = null;
    while (list.length > 0 && list[0]?.settled) commit = list.shift() ?? null;
    if (list.length === 0) this.partitions.delete(ticket.partition);
    return commit;
  }

  /**
   * Highest offset handed out for the partition since the last reset or rewind. A message at or below it means
   * the fetch position moved back (the client re-read from the committed offset): call rewind() first.
   */
  highWater(partition: string): bigint | undefined {
    return this.highWaters.get(partition);
  }

  /** The partition is read again from its committed offset: its outstanding tickets become stale. */
  rewind(partition: string): void {
    for (const ticket of this.partitions.get(partition) ?? []) ticket.stale = true;
    this.partitions.delete(partition);
    this.highWaters.delete(partition);
  }

  /** The group rebalanced (or the client reconnected): every outstanding ticket becomes stale. */
  reset(): void {
    for (const partition of [...this.partitions.keys()]) this.rewind(partition);
    this.highWaters.clear();
  }
}
