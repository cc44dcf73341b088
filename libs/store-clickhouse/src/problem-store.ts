import type { ClickHouseClient } from '@clickhouse/client';
import type {
  Finding,
  Problem,
  ProblemQuery,
  ProblemStatus,
  ProblemStore,
  TimeWindow,
} from '@driftwatch/contracts';
import { decodeCursor, encodeCursor } from './cursor.js';
import { classifyClickHouseError } from './errors.js';
import {
  fromRow,
  opened,
  type ProblemRow,
  problemsSelect,
  refreshed,
  stateRow,
  type StoredProblem,
  toRow,
} from './problem-rows.js';

/** A problem not seen for this many consecutive completed windows is resolved (resolvedBy 'auto'). */
export const AUTO_RESOLVE_WINDOWS = 3;

type Windows = { baseline: TimeWindow; current: TimeWindow };

/**
 * Problems in ClickHouse (tables of migration 013). record() is idempotent per (project, cause): while a problem
 * with the finding's causeKey is open or acknowledged it is refreshed (latest window's numbers, largest severity);
 * a window that a resolved problem already covered opens nothing (a re-run or a backfill over it); otherwise a
 * new problem opens (unless it is on topics overlapping an open problem's: see sameTopicCause). Each record()
 * also resolves the problems the detectors stopped seeing.
 */
export class ClickHouseProblemStore implements ProblemStore {
  private lastVersion = 0;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
  ) {}

  async start(): Promise<void> {}
  async shutdown(): Promise<void> {}

  async record(projectId: string, findings: Finding[], windows: Windows): Promise<Problem[]> {
    const byCause = new Map<string, Finding>();
    for (const f of findings) {
      const seen = byCause.get(f.causeKey);
      if (!seen || f.severity > seen.severity) byCause.set(f.causeKey, f);
    }
    const known = await this.select(
      projectId,
      `status != 'resolved' OR cause_key IN {causes:Array(String)}`,
      { causes: [...byCause.keys()] },
    );
    const changed: StoredProblem[] = [];
    const later: Finding[] = [];
    const claimed = new Set<string>();
    for (const finding of byCause.values()) {
      const same = known.filter((p) => p.causeKey === finding.causeKey);
      const active = same.find((p) => p.status !== 'resolved');
      if (active) {
        claimed.add(active.id);
        changed.push(refreshed(active, finding, windows));
      } else if (!same.some((p) => covers(p, windows.current))) later.push(finding);
    }
    // A topic, or a group of near topics, overlapping an open problem's topics is that problem seen wider or
    // narrower (t31 one window, t14+t31 the next): it refreshes the problem instead of opening a second one.
    for (const finding of later) {
      const overlapping = known.find(
        (p) => p.status !== 'resolved' && !claimed.has(p.id) && sameTopicCause(p.causeKey, finding.causeKey),
      );
      if (overlapping) claimed.add(overlapping.id);
      changed.push(
        overlapping ? refreshed(overlapping, finding, windows) : opened(projectId, finding, windows),
      );
    }
    const width = windows.current.toMs - windows.current.fromMs;
    const recovered = known
      .filter((p) => p.status !== 'resolved' && !byCause.has(p.causeKey))
      .filter((p) => windows.current.toMs - p.lastSeenAt >= AUTO_RESOLVE_WINDOWS * width)
      .map((p) => ({
        ...p,
        status: 'resolved' as const,
        resolvedBy: 'auto',
        resolvedAt: windows.current.toMs,
      }));
    await this.insert(
      'problems',
      changed.map((p) => toRow(p, this.version(p.version))),
    );
    await this.insert(
      'problem_states',
      recovered.map((p) => stateRow(p, this.version(0))),
    );
    return changed.map(strip);
  }

  async list(query: ProblemQuery): Promise<{ items: Problem[]; nextCursor: string | null }> {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: query.limit + 1 };
    if (query.status?.length) {
      where.push('status IN {statuses:Array(String)}');
      params.statuses = query.status;
    }
    if (query.kind?.length) {
      where.push('kind IN {kinds:Array(String)}');
      params.kinds = query.kind;
    }
    if (query.dimension) {
      where.push('dimension = {dimension:String}');
      params.dimension = query.dimension;
    }
    if (query.value !== undefined) {
      where.push('value = {value:String}');
      params.value = query.value;
    }
    // Problems active during the range: seen after its start and first seen before its end.
    if (query.fromMs !== undefined) {
      where.push('last_seen_at > {fromMs:Int64}');
      params.fromMs = Math.floor(query.fromMs);
    }
    if (query.toMs !== undefined) {
      where.push('first_window_from < {toMs:Int64}');
      params.toMs = Math.ceil(query.toMs);
    }
    const bySeverity = query.sort === 'severity';
    const sortColumn = bySeverity ? 'severity' : 'opened_at';
    if (query.cursor) {
      const cursor = decodeCursor(query.cursor);
      where.push(
        `(${sortColumn} < {after:${bySeverity ? 'Float64' : 'Int64'}} OR (${sortColumn} = {after:${bySeverity ? 'Float64' : 'Int64'}} AND problem_id > {afterId:String}))`,
      );
      params.after = bySeverity ? Number(cursor.value) : cursor.value;
      params.afterId = cursor.traceId;
    }
    const rows = await this.select(
      query.projectId,
      where.length ? where.join(' AND ') : '1',
      params,
      `ORDER BY ${sortColumn} DESC, problem_id LIMIT {limit:UInt32}`,
    );
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    const nextCursor =
      rows.length > query.limit && last
        ? encodeCursor({
            value: bySeverity ? String(last.severity) : String(last.openedAt),
            traceId: last.id,
          })
        : null;
    return { items: items.map(strip), nextCursor };
  }

  async get(projectId: string, id: string): Promise<Problem | null> {
    const [row] = await this.select(projectId, 'problem_id = {id:String}', { id });
    return row ? strip(row) : null;
  }

  async setStatus(
    projectId: string,
    id: string,
    status: ProblemStatus,
    by: string,
    atMs: number,
  ): Promise<Problem | null> {
    const current = await this.get(projectId, id);
    if (!current) return null;
    const next: Problem = { ...current, status };
    if (status === 'acknowledged') Object.assign(next, { acknowledgedBy: by, acknowledgedAt: atMs });
    if (status === 'resolved') Object.assign(next, { resolvedBy: by, resolvedAt: atMs });
    if (status === 'open') Object.assign(next, { resolvedBy: null, resolvedAt: null });
    await this.insert('problem_states', [stateRow(next, this.version(0))]);
    return next;
  }

  /** Increasing within this process and above the row's own version, so the newest write wins FINAL. */
  private version(previous: number): number {
    this.lastVersion = Math.max(Date.now() * 1000, this.lastVersion + 1, previous + 1);
    return this.lastVersion;
  }

  private async select(
    projectId: string,
    where: string,
    params: Record<string, unknown>,
    tail = '',
  ): Promise<StoredProblem[]> {
    try {
      const result = await this.client.query({
        query: `SELECT * FROM (${problemsSelect(this.database)}) WHERE ${where} ${tail}`,
        query_params: { ...params, projectId },
        format: 'JSONEachRow',
      });
      return (await result.json<ProblemRow>()).map((r) => fromRow(projectId, r));
    } catch (error) {
      throw classifyClickHouseError(error, 'problems query failed');
    }
  }

  private async insert(table: string, values: Record<string, unknown>[]): Promise<void> {
    if (values.length === 0) return;
    try {
      await this.client.insert({ table: `${this.database}.${table}`, values, format: 'JSONEachRow' });
    } catch (error) {
      throw classifyClickHouseError(error, `storing ${values.length} ${table} rows failed`);
    }
  }
}

/** Whether a problem already accounts for a window (it was first seen at or before it and seen after it). */
/** Cause keys of one detector on topic slices ("feedback:topic=t14,t31", suffix kept) whose topics overlap. */
function sameTopicCause(a: string, b: string): boolean {
  const parse = (key: string) => /^([a-z_]+):topic=(t\d+(?:,t\d+)*)(:.*)?$/.exec(key);
  const [x, y] = [parse(a), parse(b)];
  if (!x || !y || x[1] !== y[1] || (x[3] ?? '') !== (y[3] ?? '')) return false;
  const ids = new Set(x[2]!.split(','));
  return y[2]!.split(',').some((id) => ids.has(id));
}

function covers(p: StoredProblem, window: TimeWindow): boolean {
  return p.firstWindowFromMs <= window.fromMs && window.toMs <= p.lastSeenAt;
}

/** The problem, with where it started (firstWindowFromMs: the API shows it, the contract does not need it). */
function strip(p: StoredProblem): Problem & { firstWindowFromMs: number } {
  const { version: _version, ...problem } = p;
  return problem;
}
