import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DETECTOR_SETTINGS } from '@driftwatch/api-schema';
import type { DetectionInput, DetectionResult, Finding, ProjectStore } from '@driftwatch/contracts';
import {
  ClickHouseDetectionInputReader,
  ClickHouseDetectionLedger,
  ClickHouseDetectorSettingsStore,
  ClickHouseProblemStore,
  createEmbeddedClickHouse,
  migrate,
} from '@driftwatch/store-clickhouse';
import { beforeAll, describe, expect, it } from 'vitest';
import { DetectionRunner, ProjectBusyError, windowsIn } from './detection-runner.js';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 30, 14, 10);
const client = createEmbeddedClickHouse(mkdtempSync(join(tmpdir(), 'driftwatch-runner-')));
const database = 'runner_test';
const projects = {
  listProjects: async () => [{ projectId: 'p1', name: 'p1', retentionDays: 30, createdAt: '' }],
} as unknown as ProjectStore;

const finding: Finding = {
  kind: 'error_rate',
  causeKey: 'error_rate:all',
  title: 'Error rate rose from 1% to 4%',
  statistic: 'two_proportion_z',
  score: 5,
  pValue: 0.001,
  effectSize: 3,
  baselineValue: 0.01,
  currentValue: 0.04,
  trafficShare: 1,
  severity: 40,
  evidence: { exampleTraceIds: [] },
};

/** A runner over the real ClickHouse stores whose reader fails `failures` times first. */
function runner(runnerId: string, failures = 0) {
  const seen: DetectionInput[] = [];
  const logs: string[] = [];
  const real = new ClickHouseDetectionInputReader(client, database, { index: () => null });
  let left = failures;
  const r = new DetectionRunner({
    detect: (input): DetectionResult => {
      seen.push(input);
      return { findings: [finding], skipped: [{ kind: 'latency', reason: 'not enough data: 0 calls' }] };
    },
    reader: {
      read: (...args) =>
        left-- > 0 ? Promise.reject(new Error('ClickHouse timed out')) : real.read(...args),
    },
    problems: new ClickHouseProblemStore(client, database),
    ledger: new ClickHouseDetectionLedger(client, database),
    settings: new ClickHouseDetectorSettingsStore(client, database),
    projects,
    defaults: DEFAULT_DETECTOR_SETTINGS,
    runnerId,
    leaseMs: 60_000,
    intervalMs: 1_000,
    settleMs: 30_000,
    catchUpWindows: 3,
    log: (m) => logs.push(m),
  });
  return { r, seen, logs };
}

beforeAll(async () => {
  await migrate(client, { database, retentionDays: 30 });
});

describe('DetectionRunner', () => {
  it('cuts a range into whole windows aligned to the window length', () => {
    expect(windowsIn(HOUR / 2, 3 * HOUR + 5, HOUR)).toEqual([
      { fromMs: HOUR, toMs: 2 * HOUR },
      { fromMs: 2 * HOUR, toMs: 3 * HOUR },
    ]);
    expect(windowsIn(0, HOUR - 1, HOUR)).toEqual([]);
  });

  it('logs a failed window with its reason, shows it as not ready, and runs it on the next round', async () => {
    const { r, seen, logs } = runner('runner-a', 3);
    await r.tick(NOW);
    expect(seen).toEqual([]);
    expect(logs.join('\n')).toMatch(/project p1: window .*: ClickHouse timed out \(retried next round\)/);
    expect(r.health()).toMatchObject({ ready: false, reason: expect.stringMatching(/ClickHouse timed out/) });

    await r.tick(NOW);
    // The last three completed hours (14:10 less the settle delay ends at 14:00), oldest first.
    expect(seen.map((i) => i.current.fromMs)).toEqual([11, 12, 13].map((h) => Date.UTC(2026, 10, 30, h)));
    expect(seen[0]!.baseline).toEqual({
      fromMs: seen[0]!.current.fromMs - 24 * HOUR,
      toMs: seen[0]!.current.fromMs,
    });
    expect(r.health()).toMatchObject({ ready: true, windowsRun: 3, failures: 3 });

    // Nothing left to run: a later round, or another runner, runs nothing again.
    await r.tick(NOW);
    const other = runner('runner-b');
    await other.r.tick(NOW + 60_000);
    expect(seen).toHaveLength(3);
    expect(other.seen).toEqual([]);
    const { items } = await new ClickHouseProblemStore(client, database).list({
      projectId: 'p1',
      sort: 'time',
      limit: 10,
    });
    expect(items.map((p) => p.causeKey)).toEqual(['error_rate:all']);
  });

  it('backfills a range, says which windows had run, and refuses while another runner holds the project', async () => {
    const { r, seen } = runner('runner-a');
    const windows = windowsIn(Date.UTC(2026, 10, 30, 12), Date.UTC(2026, 10, 30, 15), HOUR);
    const results = await r.backfill('p1', windows, false);
    expect(results.map((w) => w.outcome)).toEqual(['already_done', 'already_done', 'ok']);
    expect(results[2]).toMatchObject({
      findings: 1,
      problems: 1,
      skipped: [{ kind: 'latency', reason: 'not enough data: 0 calls' }],
    });
    expect((await r.backfill('p1', windows, true)).map((w) => w.outcome)).toEqual(['ok', 'ok', 'ok']);
    expect(seen).toHaveLength(4);

    const ledger = new ClickHouseDetectionLedger(client, database);
    expect(await ledger.claim('p2', 'runner-b', 60_000)).toBe(true);
    await expect(r.backfill('p2', windows, false)).rejects.toThrow(ProjectBusyError);
  });
});
