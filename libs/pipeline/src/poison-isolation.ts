import type { SpanRecord } from '@driftwatch/contracts';
import { PermanentError, UnavailableError } from '@driftwatch/contracts';

/** The delivery a part belongs to, told what became of the part's records. */
export interface Unsettled {
  stored(count: number): void;
  reject(record: SpanRecord, reason: string): void;
  fail(error: unknown): void;
}

/** Some records of one delivery (all of them, or a slice once a batch is split). */
export interface Part {
  readonly owner: Unsettled;
  readonly records: readonly SpanRecord[];
}

export interface IsolationIo {
  /** Inserts the parts' records and settles them; resolves with the error when the store refused them. */
  insert(parts: Part[]): Promise<Error | null>;
  /** Dead-letters the single record of the part with the reason. */
  reject(part: Part, reason: string): void;
}

const MAX_REASON = 2_000;

/**
 * Splits a batch the store refused until every span the store takes is stored and each span it refuses is
 * alone. A span refused with PermanentError is rejected at once; one refused with any other error only when
 * the store stored something else meanwhile (so the store works and the span is the problem). Stops as soon
 * as the store is unavailable. Resolves with the parts left unsettled (retry them later), empty when done.
 */
export async function isolatePoison(parts: Part[], error: Error, io: IsolationIo): Promise<Part[]> {
  const failed: Array<{ group: Part[]; error: Error }> = [{ group: parts, error }];
  const suspects: Array<{ part: Part; error: Error }> = [];
  let storedSome = false;
  // Unexplained failures in a row, none stored: past a few more than one path down to a single span, the store
  // refuses everything (it is not the data), so splitting further would only flood it.
  const budget = 2 * Math.ceil(Math.log2(recordCount(parts) + 1)) + 2;
  let unexplainedInARow = 0;
  const unsettled = (from: Part[][]) => [
    ...from.flat(),
    ...failed.flatMap((f) => f.group),
    ...suspects.map((s) => s.part),
  ];
  while (failed.length > 0) {
    const { group, error: groupError } = failed.pop() as { group: Part[]; error: Error };
    if (recordCount(group) === 1) {
      const part = group[0] as Part;
      if (groupError instanceof PermanentError) io.reject(part, reasonOf(groupError));
      else suspects.push({ part, error: groupError });
      continue;
    }
    const halves = split(group);
    const refused: Array<{ group: Part[]; error: Error }> = [];
    for (let i = 0; i < halves.length; i += 1) {
      const half = halves[i] as Part[];
      const halfError = await io.insert(half);
      if (!halfError) {
        storedSome = true;
        unexplainedInARow = 0;
        continue;
      }
      // The store went away: whatever is not settled yet waits for it, in one batch again.
      if (halfError instanceof UnavailableError)
        return unsettled([...halves.slice(i), ...refused.map((r) => r.group)]);
      refused.push({ group: half, error: halfError });
      if (!(halfError instanceof PermanentError) && !storedSome && ++unexplainedInARow > budget) {
        return unsettled([...halves.slice(i + 1), ...refused.map((r) => r.group)]);
      }
    }
    // Depth first, left half first.
    failed.push(...refused.reverse());
  }
  if (!storedSome) return suspects.map((s) => s.part);
  for (const { part, error: e } of suspects) {
    io.reject(part, reasonOf(e, 'the store kept refusing this span while it stored the others'));
  }
  return [];
}

function reasonOf(error: Error, prefix?: string): string {
  const reason = prefix ? `${prefix}: ${error.message}` : error.message;
  return reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON)}…` : reason;
}

function recordCount(group: Part[]): number {
  return group.reduce((n, p) => n + p.records.length, 0);
}

/** Two halves by record count; a single delivery is split by its records. */
function split(group: Part[]): [Part[], Part[]] {
  if (group.length === 1) {
    const { owner, records } = group[0] as Part;
    const mid = Math.ceil(records.length / 2);
    return [[{ owner, records: records.slice(0, mid) }], [{ owner, records: records.slice(mid) }]];
  }
  const half = recordCount(group) / 2;
  let taken = 0;
  let i = 0;
  while (i < group.length - 1 && taken + (group[i] as Part).records.length <= half) {
    taken += (group[i] as Part).records.length;
    i += 1;
  }
  const at = Math.max(1, i);
  return [group.slice(0, at), group.slice(at)];
}
