// Two processes running the detector role on the same ClickHouse data (distributed mode, DRIFTWATCH_CLICKHOUSE_URL):
// every window is detected once, by one of them, and opens one problem; when the runner holding the project is
// killed (SIGKILL), the other takes the project over once the lease expires and runs the next windows, still once.
import type { ClickHouseClient } from '@clickhouse/client';
import { createServerClickHouse } from '@driftwatch/store-clickhouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { World } from '../dashboard/support/world.js';
import { ChdbHttpServer } from '../support/chdb-http-server.js';
import { DriftwatchServer } from '../support/driftwatch-server.js';
import { type Call, HOUR, hourOfCalls, sendCalls } from './support.js';

const ADMIN_PASSWORD = 'admin-password-for-two-runners';
const DATABASE = 'dw_two_runners';
const HALF_HOUR = HOUR / 2;
let clickhouse: ChdbHttpServer;
let sql: ClickHouseClient;
let api: DriftwatchServer;
const runners: DriftwatchServer[] = [];
let admin: string;

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}\n${runners.map((r) => r.output.join('')).join('\n---\n')}`);
}

async function rows<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const result = await sql.query({ query, query_params: params, format: 'JSONEachRow' });
  return result.json<T>();
}

/** Successful runs of the default project's windows of `widthMs`, as (window start, runner) pairs. */
function successfulRuns(widthMs: number) {
  return rows<{ from: string; runner: string }>(
    `SELECT toUnixTimestamp64Milli(window_from) AS from, runner FROM ${DATABASE}.detection_runs
     WHERE project_id = 'default' AND outcome = 'ok'
       AND toUnixTimestamp64Milli(window_to) - toUnixTimestamp64Milli(window_from) = {width:Int64}
     ORDER BY from`,
    { width: widthMs },
  );
}

interface Problem {
  id: string;
  causeKey: string;
  current: { from: string };
}

async function latencyProblems(): Promise<Problem[]> {
  const response = await World.call(api.url, admin, 'GET', '/api/problems?kind=latency&value=gpt-4o-mini');
  expect(response.status).toBe(200);
  return ((await response.json()) as { items: Problem[] }).items;
}

/** The same cause (e.g. p95 latency of one model) never has two problems. */
function expectOnePerCause(problems: Problem[]): void {
  const causes = problems.map((p) => p.causeKey);
  expect(causes).toEqual([...new Set(causes)]);
}

const settings = (windowMs: number, baselineWindows: number) =>
  World.call(api.url, admin, 'PUT', '/api/projects/default/detectors', {
    windowMs,
    baselineWindows,
    dimensions: ['model'],
  });

beforeAll(async () => {
  clickhouse = await new ChdbHttpServer().start();
  sql = createServerClickHouse({ url: clickhouse.url, username: 'default', password: '' });
  const env = {
    DRIFTWATCH_CLICKHOUSE_URL: clickhouse.url,
    DRIFTWATCH_DATABASE: DATABASE,
    DRIFTWATCH_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
    DRIFTWATCH_DETECTOR_INTERVAL_MS: '300',
    DRIFTWATCH_DETECTOR_LEASE_MS: '3000',
    DRIFTWATCH_DETECTOR_SETTLE_MS: '0',
  };
  api = await DriftwatchServer.start({ env: { ...env, DRIFTWATCH_ROLES: 'ingest,writer,api' } });
  admin = await World.login(api.url, { email: 'admin@localhost', password: ADMIN_PASSWORD });
  expect((await settings(HOUR, 3)).status).toBe(200);
  // The last completed hour: gpt-4o-mini's latency doubles against the three hours before it.
  const last = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
  const calls: Call[] = [];
  for (let h = 3; h >= 1; h--) {
    calls.push(...hourOfCalls(last - h * HOUR, 'gpt-4o-mini', 80, 800, h));
    calls.push(...hourOfCalls(last - h * HOUR, 'gpt-4o', 80, 1200, 10 + h));
  }
  calls.push(...hourOfCalls(last, 'gpt-4o-mini', 80, 1600, 20), ...hourOfCalls(last, 'gpt-4o', 80, 1200, 21));
  await sendCalls(api, calls);
  // Started together, so that both look for the same windows at the same time.
  const runner = () =>
    DriftwatchServer.start({ apiKey: api.apiKey, env: { ...env, DRIFTWATCH_ROLES: 'detector' } });
  runners.push(...(await Promise.all([runner(), runner()])));
}, 180_000);

afterAll(async () => {
  for (const server of [...runners, api]) await server?.stop();
  await sql?.close();
  await clickhouse?.stop();
});

describe('two detector processes on one ClickHouse', () => {
  let first: Problem[] = [];

  it('detect each window once and open one problem per cause', async () => {
    const [problem] = await waitFor('the latency problem', async () => {
      const items = await latencyProblems();
      return items.length > 0 ? items : undefined;
    });
    // Both runners go on polling every 300 ms; nothing runs twice.
    await new Promise((r) => setTimeout(r, 3_000));
    const runs = await successfulRuns(HOUR);
    const windows = runs.map((r) => Number(r.from));
    expect(windows).toEqual([...new Set(windows)]);
    expect(windows).toContain(Date.parse(problem!.current.from));
    first = await latencyProblems();
    expectOnePerCause(first);
  });

  it('hand the project over when the runner holding it is killed, still once per window', async () => {
    const [lease] = await rows<{ claimant: string }>(
      `SELECT claimant FROM ${DATABASE}.detection_leases WHERE project_id = 'default' ORDER BY leased_at DESC LIMIT 1`,
    );
    const holder = runners.find((r) => lease?.claimant.endsWith(`:${r.pid}`));
    expect(holder).toBeDefined();
    const survivor = runners.find((r) => r !== holder)!;
    const survivorId = `:${survivor.pid}`;
    await holder!.stop('SIGKILL');
    // New work for the project: half-hour windows, none of which has run.
    expect((await settings(HALF_HOUR, 6)).status).toBe(200);
    const runs = await waitFor('three half-hour windows', async () => {
      const done = await successfulRuns(HALF_HOUR);
      return done.length >= 3 ? done : undefined;
    });
    await new Promise((r) => setTimeout(r, 2_000));
    const after = await successfulRuns(HALF_HOUR);
    expect(after).toEqual(runs);
    expect(new Set(after.map((r) => r.from)).size).toBe(after.length);
    for (const run of after) expect(run.runner.endsWith(survivorId)).toBe(true);
    // Causes seen again in the half-hour windows refreshed their open problems; none opened twice.
    const now = await latencyProblems();
    expectOnePerCause(now);
    for (const p of first) expect(now.map((q) => q.id)).toContain(p.id);
  });
});
