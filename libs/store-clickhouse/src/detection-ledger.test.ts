import type { DetectorSettings } from '@driftwatch/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseDetectionLedger, ClickHouseDetectorSettingsStore } from './detection-ledger.js';
import { migrate } from './migrate.js';
import { embeddedForTests } from './test-support.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 1);
const w = (n: number) => ({ fromMs: T0 + n * HOUR, toMs: T0 + (n + 1) * HOUR });

let ledger: ClickHouseDetectionLedger;
let settings: ClickHouseDetectorSettingsStore;

beforeAll(async () => {
  const { client, database } = embeddedForTests();
  await migrate(client, { database, retentionDays: 30 });
  ledger = new ClickHouseDetectionLedger(client, database);
  settings = new ClickHouseDetectorSettingsStore(client, database);
});

let attempt = 0;
function run(n: number, outcome: 'ok' | 'failed', projectId = 'p-runs') {
  attempt += 1;
  return {
    projectId,
    window: w(n),
    runner: 'r1',
    startedAt: T0 + 30 * HOUR + attempt * 1000,
    finishedAt: T0 + 30 * HOUR + attempt * 1000 + 500,
    outcome,
    error: outcome === 'failed' ? 'ClickHouse timed out' : '',
    findings: 0,
    skipped: [],
  };
}

describe('ClickHouseDetectionLedger', () => {
  it('knows which windows succeeded; a later failure of the same window does not undo a success', async () => {
    await ledger.recordRun(run(0, 'ok'));
    await ledger.recordRun(run(1, 'failed'));
    await ledger.recordRun(run(2, 'ok'));
    await ledger.recordRun(run(2, 'failed'));
    await ledger.recordRun(run(3, 'ok', 'p-runs-other'));
    expect(await ledger.completed('p-runs', [w(0), w(1), w(2), w(3)])).toEqual(
      new Set([w(0).fromMs, w(2).fromMs]),
    );
    // A window of another length starting at the same time is another window.
    expect(await ledger.completed('p-runs', [{ fromMs: T0, toMs: T0 + 2 * HOUR }])).toEqual(new Set());
    expect(await ledger.completed('p-runs', [])).toEqual(new Set());
    const recent = await ledger.recentRuns('p-runs', 3);
    expect(recent.map((r) => [r.window.fromMs, r.outcome])).toEqual([
      [w(2).fromMs, 'failed'],
      [w(2).fromMs, 'ok'],
      [w(1).fromMs, 'failed'],
    ]);
    expect(recent[2]).toMatchObject({ error: 'ClickHouse timed out', runner: 'r1', skipped: [] });
  });

  it('gives a project to one runner at a time; another takes it once the lease expired', async () => {
    expect(await ledger.claim('p-lease', 'runner-a', 1_500)).toBe(true);
    expect(await ledger.claim('p-lease', 'runner-b', 1_500)).toBe(false);
    // The holder renews while its lease is live and keeps the project.
    expect(await ledger.claim('p-lease', 'runner-a', 1_500)).toBe(true);
    expect(await ledger.claim('p-lease', 'runner-b', 1_500)).toBe(false);
    // Leases are per project.
    expect(await ledger.claim('p-lease-2', 'runner-b', 1_500)).toBe(true);
    // runner-a stops renewing (killed): runner-b gets the project after the lease, and keeps it.
    await new Promise((r) => setTimeout(r, 1_700));
    expect(await ledger.claim('p-lease', 'runner-b', 1_500)).toBe(true);
    expect(await ledger.claim('p-lease', 'runner-a', 1_500)).toBe(false);
  });
});

describe('ClickHouseDetectorSettingsStore', () => {
  it('stores the settings of a project as a whole', async () => {
    expect(await settings.get('p-settings')).toBeNull();
    const s: DetectorSettings = {
      enabled: ['latency', 'error_rate'],
      falseAlarmRate: 0.01,
      minSamples: 30,
      minEffect: 0.1,
      dimensions: ['model'],
      baseline: 'fixed',
      fixedBaseline: { fromMs: T0, toMs: T0 + HOUR },
      windowMs: HOUR,
      baselineWindows: 24,
    };
    await settings.put('p-settings', s, 'admin@localhost');
    await settings.put('p-settings', { ...s, minSamples: 50 }, 'admin@localhost');
    expect(await settings.get('p-settings')).toEqual({ ...s, minSamples: 50 });
    expect(await settings.get('p-settings-other')).toBeNull();
  });
});
