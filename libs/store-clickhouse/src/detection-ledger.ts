import type { ClickHouseClient } from '@clickhouse/client';
import type {
  DetectionLedger,
  DetectionRun,
  DetectorSettings,
  DetectorSettingsStore,
  TimeWindow,
} from '@driftwatch/contracts';
import { currentHolder } from './alert-lease.js';
import { toClickHouseTime } from './clickhouse-time.js';
import { classifyClickHouseError } from './errors.js';

async function rows<T>(
  client: ClickHouseClient,
  query: string,
  params: Record<string, unknown>,
): Promise<T[]> {
  try {
    const result = await client.query({ query, query_params: params, format: 'JSONEachRow' });
    return await result.json<T>();
  } catch (error) {
    throw classifyClickHouseError(error, 'detection query failed');
  }
}

async function insert(client: ClickHouseClient, table: string, values: Record<string, unknown>[]) {
  try {
    await client.insert({ table, values, format: 'JSONEachRow' });
  } catch (error) {
    throw classifyClickHouseError(error, `insert into ${table} failed`);
  }
}

/** Detector settings per project: the whole settings as one JSON row, replaced as a whole. */
export class ClickHouseDetectorSettingsStore implements DetectorSettingsStore {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
  ) {}

  async get(projectId: string): Promise<DetectorSettings | null> {
    const [row] = await rows<{ settings: string }>(
      this.client,
      `SELECT settings FROM ${this.database}.detector_settings FINAL WHERE project_id = {projectId:String}`,
      { projectId },
    );
    return row ? (JSON.parse(row.settings) as DetectorSettings) : null;
  }

  async put(projectId: string, settings: DetectorSettings, by: string): Promise<void> {
    await insert(this.client, `${this.database}.detector_settings`, [
      {
        project_id: projectId,
        settings: JSON.stringify(settings),
        updated_by: by,
        updated_at: toClickHouseTime(Date.now()),
      },
    ]);
  }
}

/**
 * The ledger of detection runs and the project leases. claim(): a runner reads the live leases of the project
 * and, unless another runner holds one, adds its own and reads them back; it holds the project when
 * currentHolder (alert-lease.ts) of the live rows is itself. A holder renews by claiming again while its lease is
 * live (its rows are the only live ones, so it stays the holder); a runner that stops renewing (killed) loses the
 * project once its last lease expires. As with the outbox, two claims inserted so close together that neither
 * sees the other's row are settled by currentHolder's order, the same for every reader; replicas that lag can
 * still let two runners work at once, and then the problem ids (derived from cause and window) keep the result
 * to one problem.
 */
export class ClickHouseDetectionLedger implements DetectionLedger {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
  ) {}

  async claim(projectId: string, claimant: string, leaseMs: number): Promise<boolean> {
    const before = await this.liveLeases(projectId);
    const holder = currentHolder(before);
    if (holder !== null && holder !== claimant) return false;
    await insert(this.client, `${this.database}.detection_leases`, [
      { project_id: projectId, claimant, lease_ms: leaseMs },
    ]);
    return currentHolder(await this.liveLeases(projectId)) === claimant;
  }

  async completed(projectId: string, windows: readonly TimeWindow[]): Promise<Set<number>> {
    if (windows.length === 0) return new Set();
    const done = await rows<{ from: string; to: string }>(
      this.client,
      `SELECT DISTINCT toUnixTimestamp64Milli(window_from) AS from, toUnixTimestamp64Milli(window_to) AS to
       FROM ${this.database}.detection_runs
       WHERE project_id = {projectId:String} AND outcome = 'ok'
         AND window_from >= fromUnixTimestamp64Milli({fromMs:Int64})
         AND window_from <= fromUnixTimestamp64Milli({lastMs:Int64})`,
      {
        projectId,
        fromMs: Math.min(...windows.map((w) => w.fromMs)),
        lastMs: Math.max(...windows.map((w) => w.fromMs)),
      },
    );
    const wanted = new Set(windows.map((w) => `${w.fromMs}|${w.toMs}`));
    return new Set(done.filter((d) => wanted.has(`${d.from}|${d.to}`)).map((d) => Number(d.from)));
  }

  async recordRun(run: DetectionRun): Promise<void> {
    await insert(this.client, `${this.database}.detection_runs`, [
      {
        project_id: run.projectId,
        window_from: toClickHouseTime(run.window.fromMs),
        window_to: toClickHouseTime(run.window.toMs),
        runner: run.runner,
        started_at: toClickHouseTime(run.startedAt),
        finished_at: toClickHouseTime(run.finishedAt),
        outcome: run.outcome,
        error: run.error.slice(0, 2000),
        findings: run.findings,
        skipped: JSON.stringify(run.skipped.slice(0, 1000)),
      },
    ]);
  }

  async recentRuns(projectId: string, limit: number): Promise<DetectionRun[]> {
    const found = await rows<{
      from: string;
      to: string;
      runner: string;
      started: string;
      finished: string;
      outcome: DetectionRun['outcome'];
      error: string;
      findings: number;
      skipped: string;
    }>(
      this.client,
      `SELECT toUnixTimestamp64Milli(window_from) AS from, toUnixTimestamp64Milli(window_to) AS to, runner,
         toUnixTimestamp64Milli(started_at) AS started, toUnixTimestamp64Milli(finished_at) AS finished,
         outcome, error, findings, skipped
       FROM ${this.database}.detection_runs
       WHERE project_id = {projectId:String}
       ORDER BY window_from DESC, started_at DESC LIMIT {limit:UInt32}`,
      { projectId, limit },
    );
    return found.map((r) => ({
      projectId,
      window: { fromMs: Number(r.from), toMs: Number(r.to) },
      runner: r.runner,
      startedAt: Number(r.started),
      finishedAt: Number(r.finished),
      outcome: r.outcome,
      error: r.error,
      findings: Number(r.findings),
      skipped: JSON.parse(r.skipped) as DetectionRun['skipped'],
    }));
  }

  private async liveLeases(projectId: string) {
    const live = await rows<{ claimant: string; micros: string; lease_ms: number }>(
      this.client,
      `SELECT claimant, toUnixTimestamp64Micro(leased_at) AS micros, lease_ms
       FROM ${this.database}.detection_leases
       WHERE project_id = {projectId:String} AND leased_at + toIntervalMillisecond(lease_ms) > now64(6)`,
      { projectId },
    );
    return live.map((l) => ({
      claimant: l.claimant,
      leasedAtMicros: Number(l.micros),
      leaseMs: Number(l.lease_ms),
    }));
  }
}
