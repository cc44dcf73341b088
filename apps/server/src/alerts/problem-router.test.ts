import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding, ProjectStore } from '@driftwatch/contracts';
import {
  ClickHouseOutbox,
  ClickHouseProblemRouteStore,
  ClickHouseProblemStore,
  createEmbeddedClickHouse,
  migrate,
} from '@driftwatch/store-clickhouse';
import { beforeAll, describe, expect, it } from 'vitest';
import { ProblemRouter, problemSubject } from './problem-router.js';

const HOUR = 3_600_000;
const NOW = Date.now();
const client = createEmbeddedClickHouse(mkdtempSync(join(tmpdir(), 'driftwatch-router-')));
const database = 'router_test';
const projects = {
  listProjects: async () => [{ projectId: 'p1', name: 'p1', retentionDays: 30, createdAt: '' }],
} as unknown as ProjectStore;
const problems = new ClickHouseProblemStore(client, database);
const routes = new ClickHouseProblemRouteStore(client, database);
const outbox = new ClickHouseOutbox(client, database);
const router = new ProblemRouter({
  problems,
  routes,
  outbox,
  projects,
  intervalMs: 60_000,
  dashboardUrl: 'http://dash.test',
  wake: () => {},
  log: (m) => {
    throw new Error(m);
  },
});

const finding: Finding = {
  kind: 'latency',
  causeKey: 'latency:model=gpt-4o-mini:p95',
  title: 'p95 latency of gpt-4o-mini rose 60%',
  dimension: 'model',
  value: 'gpt-4o-mini',
  statistic: 'p95_exceedance_z',
  score: 6,
  pValue: 0.0001,
  effectSize: 0.6,
  baselineValue: 900,
  currentValue: 1440,
  trafficShare: 0.5,
  severity: 50,
  evidence: { exampleTraceIds: [] },
};

beforeAll(async () => {
  await migrate(client, { database, retentionDays: 30 });
});

describe('ProblemRouter on chDB', () => {
  it('records opened alone for a problem found late, a reminder one period later, then the resolution', async () => {
    // Detected over a window two days ago (a backfill): the problem opened long before it is routed.
    const [problem] = await problems.record('p1', [finding], {
      baseline: { fromMs: NOW - 52 * HOUR, toMs: NOW - 49 * HOUR },
      current: { fromMs: NOW - 49 * HOUR, toMs: NOW - 48 * HOUR },
    });
    await routes.create({
      projectId: 'p1',
      name: 'latency',
      kinds: ['latency'],
      minSeverity: 0,
      dimension: '',
      value: '',
      destinationIds: ['d1'],
      remindEveryMinutes: 60,
      notifyResolved: true,
      enabled: true,
    });
    const turns = async () =>
      (await outbox.forSubject('p1', problemSubject(problem!.id), 100)).map((n) => n.transition);

    expect(await router.routeAll(NOW)).toBe(1);
    expect(await turns()).toEqual(['opened']);
    expect(await router.routeAll(NOW + 30 * 60_000)).toBe(0);
    expect(await router.routeAll(NOW + 61 * 60_000)).toBe(1);
    expect(await router.routeAll(NOW + 62 * 60_000)).toBe(0);
    expect(await turns()).toEqual(['opened', 'reminder-1']);

    // Acknowledged: no more reminders; resolved: told once.
    await problems.setStatus('p1', problem!.id, 'acknowledged', 'ann', NOW + 90 * 60_000);
    expect(await router.routeAll(NOW + 3 * HOUR)).toBe(0);
    await problems.setStatus('p1', problem!.id, 'resolved', 'ann', NOW + 3 * HOUR);
    expect(await router.routeAll(NOW + 3 * HOUR + 1000)).toBe(1);
    expect(await router.routeAll(NOW + 3 * HOUR + 2000)).toBe(0);
    expect(await turns()).toEqual(['opened', 'reminder-1', 'resolved']);
  });
});
