import type { ClickHouseClient } from '@clickhouse/client';
import { classifyClickHouseError } from './errors.js';
import { countedCallCondition, EDGE_SECONDS, HOUR_MS, MODEL_KEY, timeRange } from './metrics-calls.js';

/**
 * How long after an hour's last span arrived its rollup may be trusted: a span insert is stamped (changed_at) when
 * its view runs and its rows become visible when the insert commits; this bounds the time between the two.
 */
export const ROLLUP_SETTLE_MS = 60_000;
/** Hours rolled up per statement: a statement's memory is that many hours of calls. */
const HOURS_PER_STATEMENT = 24;
/** Hours looked up per pass; a pass repeats until none is left. */
const HOURS_PER_PASS = 2_000;

export interface MetricsRollupOptions {
  settleMs?: number;
  everyMs?: number;
  log?: (message: string) => void;
}

/**
 * Shown in /readyz: passes completed since start, hours they rolled up, hours that changed and wait to be quiet
 * (read from the spans meanwhile), the last pass's time and failure.
 */
export interface MetricsRollupHealth {
  passes: number;
  hoursRolledUp: number;
  pendingHours: number;
  lastPassMs: number | null;
  lastError: string | null;
}

interface DirtyRow {
  project_id: string;
  h: string | number;
  settled: string | number;
}

/**
 * Keeps `metrics_rollup` (migration 020) up to date: every pass rolls up, from the spans read with FINAL, the
 * closed hours whose spans changed since they were last rolled up (or never were: the spans stored before the
 * migration), per project, HOURS_PER_STATEMENT hours per statement. All rows of a pass carry one version, taken
 * from ClickHouse's clock before the spans are read, and the hours' rolled_up_at is set to it once they are
 * written; readers use an hour only while no span arrived after its version (minus the settle time).
 * Several processes may run passes at once: each writes a complete version of an hour, readers take the newest.
 */
export class MetricsRollup {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopping = false;
  private readonly settleMs: number;
  private readonly state: MetricsRollupHealth = {
    passes: 0,
    hoursRolledUp: 0,
    pendingHours: 0,
    lastPassMs: null,
    lastError: null,
  };

  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
    private readonly options: MetricsRollupOptions = {},
  ) {
    this.settleMs = options.settleMs ?? ROLLUP_SETTLE_MS;
  }

  start(firstAfterMs = 5_000): void {
    const tick = () => {
      const began = performance.now();
      this.running = this.refresh()
        .then(
          (hours) => {
            const ms = Math.round(performance.now() - began);
            Object.assign(this.state, { passes: this.state.passes + 1, lastPassMs: ms, lastError: null });
            this.state.hoursRolledUp += hours;
            if (hours > 0) this.options.log?.(`metrics rollup: ${hours} hours rolled up in ${ms} ms`);
          },
          (error: unknown) => {
            this.state.lastError = (error as Error).message;
            this.options.log?.(`metrics rollup failed (will retry): ${(error as Error).message}`);
          },
        )
        .finally(() => {
          this.running = null;
          if (this.timer) this.timer = setTimeout(tick, this.options.everyMs ?? 60_000).unref();
        });
    };
    this.timer = setTimeout(tick, firstAfterMs).unref();
  }

  health(): MetricsRollupHealth {
    return { ...this.state };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /**
   * Rolls up every closed hour that changed and is quiet; resolves with how many hours it wrote. The hours that
   * changed but are not quiet yet are left for a later pass (counted in health().pendingHours).
   */
  async refresh(): Promise<number> {
    let total = 0;
    let pending = 0;
    // Pages through the dirty hours in (project, hour) order, so an hour rolled up moments after its spans
    // arrived (still dirty until the settle time passes) is not taken again in the same refresh.
    let after: [string, number] = ['', 0];
    for (;;) {
      const version = await this.now();
      const { byProject, unsettled, last } = await this.dirtyHours(version, after);
      pending += unsettled;
      for (const [projectId, hours] of byProject) {
        for (let i = 0; i < hours.length; i += HOURS_PER_STATEMENT) {
          // Stopping ends between statements: what is not rolled up yet is read from the spans meanwhile.
          if (this.stopping) return total;
          await this.rollUp(projectId, hours.slice(i, i + HOURS_PER_STATEMENT), version);
          total += Math.min(HOURS_PER_STATEMENT, hours.length - i);
        }
      }
      if (!last) {
        this.state.pendingHours = pending;
        return total;
      }
      after = last;
    }
  }

  private async now(): Promise<number> {
    const [row] = await this.rows<{ now: string }>('SELECT toUnixTimestamp64Milli(now64(3)) AS now', {});
    return Number(row!.now);
  }

  /**
   * Per project, the hours (epoch seconds) to roll up at `nowMs`, after the (project, hour) `after`: ended, changed
   * since their rollup (or never rolled up), and no span of theirs arrived for the settle time (so an hour still
   * receiving spans, e.g. the one before the current hour for its first minutes, is rolled up once, when it is
   * quiet; the others are counted in `unsettled`). `last` is the last (project, hour) of a full page, else null.
   * Reads every project's hour rows (one per project and hour).
   */
  private async dirtyHours(
    nowMs: number,
    after: [string, number],
  ): Promise<{ byProject: Map<string, number[]>; unsettled: number; last: [string, number] | null }> {
    const rows = await this.rows<DirtyRow>(
      `SELECT project_id, toUInt32(hour) AS h,
         toUnixTimestamp64Milli(max(changed_at)) < {settledBefore:Int64} AS settled
       FROM ${this.database}.metrics_rollup_hours
       WHERE hour <= fromUnixTimestamp64Milli({closedBefore:Int64})
         AND (project_id, toUInt32(hour)) > ({afterProject:String}, {afterHour:UInt32})
       GROUP BY project_id, hour
       HAVING (toUnixTimestamp64Milli(max(rolled_up_at)) = 0
           OR toUnixTimestamp64Milli(max(changed_at)) >= toUnixTimestamp64Milli(max(rolled_up_at)) - {settleMs:Int64})
       ORDER BY project_id, hour LIMIT {limit:UInt32}`,
      {
        closedBefore: nowMs - HOUR_MS - this.settleMs,
        settledBefore: nowMs - this.settleMs,
        afterProject: after[0],
        afterHour: after[1],
        settleMs: this.settleMs,
        limit: HOURS_PER_PASS,
      },
    );
    const byProject = new Map<string, number[]>();
    let unsettled = 0;
    for (const row of rows) {
      if (Number(row.settled) !== 1) {
        unsettled += 1;
        continue;
      }
      const hours = byProject.get(row.project_id) ?? [];
      hours.push(Number(row.h));
      byProject.set(row.project_id, hours);
    }
    const end = rows[rows.length - 1];
    const last: [string, number] | null =
      rows.length === HOURS_PER_PASS && end ? [end.project_id, Number(end.h)] : null;
    return { byProject, unsettled, last };
  }

  /**
   * Writes the rows of `hours` (epoch seconds, ascending) at `version`, then marks them rolled up. One INSERT
   * writes each hour's rows in one part (an hour lies in one day partition; an insert block holds up to a million
   * rows), so a reader taking an hour's newest version sees all of it, even before the hours row is written.
   */
  private async rollUp(projectId: string, hours: number[], version: number): Promise<void> {
    const loMs = hours[0]! * 1000;
    const hiMs = hours[hours.length - 1]! * 1000 + HOUR_MS;
    const params = {
      projectId,
      hours,
      version,
      callsLo: loMs,
      callsHi: hiMs,
      childrenLo: loMs - EDGE_SECONDS * 1000,
      childrenHi: hiMs + EDGE_SECONDS * 1000,
    };
    await this.command(
      `INSERT INTO ${this.database}.metrics_rollup (project_id, hour, model, release, environment, requests,
         errors, input_tokens, output_tokens, cost_usd, latency, version)
       SELECT project_id, toStartOfHour(start_time, 'UTC') AS hour, ${MODEL_KEY} AS model, release, environment,
         count(), countIf(status = 'error'), sum(ifNull(input_tokens, 0)), sum(ifNull(output_tokens, 0)),
         sum(ifNull(cost_usd, 0)), quantilesState(0.5, 0.95, 0.99)(duration_ns),
         fromUnixTimestamp64Milli({version:Int64}, 'UTC')
       FROM ${this.database}.spans FINAL
       WHERE project_id = {projectId:String} AND ${timeRange('calls')}
         AND has({hours:Array(UInt32)}, toUInt32(toStartOfHour(start_time, 'UTC')))
         AND ${countedCallCondition(this.database, timeRange('children'))}
       GROUP BY project_id, hour, model, release, environment`,
      params,
    );
    await this.command(
      `INSERT INTO ${this.database}.metrics_rollup_hours (project_id, hour, changed_at, rolled_up_at)
       SELECT {projectId:String}, toDateTime(h, 'UTC'), fromUnixTimestamp64Milli(toInt64(0), 'UTC'),
         fromUnixTimestamp64Milli({version:Int64}, 'UTC')
       FROM (SELECT arrayJoin({hours:Array(UInt32)}) AS h)`,
      { projectId, hours, version },
    );
  }

  private async rows<T>(query: string, params: Record<string, unknown>): Promise<T[]> {
    try {
      const result = await this.client.query({ query, query_params: params, format: 'JSONEachRow' });
      return await result.json<T>();
    } catch (error) {
      throw classifyClickHouseError(error, 'metrics rollup query failed');
    }
  }

  private async command(query: string, params: Record<string, unknown>): Promise<void> {
    try {
      await this.client.command({ query, query_params: params });
    } catch (error) {
      throw classifyClickHouseError(error, 'metrics rollup failed');
    }
  }
}
