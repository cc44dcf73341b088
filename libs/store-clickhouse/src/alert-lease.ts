/** One lease row: who claimed a try of a notification, when (the server's clock, microseconds), for how long. */
export interface LeaseRow {
  claimant: string;
  leasedAtMicros: number;
  leaseMs: number;
}

/**
 * Who holds a try now. The first lease holds until it expires; a lease taken after that holds next, and so on
 * (ties broken by claimant id, so every reader computes the same holder from the same rows). A lease taken
 * while another is live loses, whoever reads first.
 */
export function currentHolder(rows: readonly LeaseRow[]): string | null {
  const sorted = [...rows].sort(
    (a, b) =>
      a.leasedAtMicros - b.leasedAtMicros || (a.claimant < b.claimant ? -1 : a.claimant > b.claimant ? 1 : 0),
  );
  let holder: LeaseRow | null = null;
  for (const row of sorted) {
    if (!holder || row.leasedAtMicros >= holder.leasedAtMicros + holder.leaseMs * 1000) holder = row;
  }
  return holder?.claimant ?? null;
}
