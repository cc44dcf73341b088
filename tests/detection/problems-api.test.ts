// Detection through the real server: OTLP spans with past timestamps, POST /api/detectors/run over a past window,
// the problems it opened in GET /api/problems with their evidence, re-runs that open nothing twice, status changes
// by role, settings validation and "not enough data".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { World } from '../dashboard/support/world.js';
import { DriftwatchServer } from '../support/driftwatch-server.js';
import { type Call, HOUR, hourOfCalls, sendCalls } from './support.js';

const ADMIN_PASSWORD = 'admin-password-for-detection';
let server: DriftwatchServer;
let admin: string;
let member: string;
let viewer: string;

/** Two days ago, on the hour: three baseline hours before T, the current hour from T. */
const T = Math.floor(Date.now() / HOUR) * HOUR - 48 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();
const slowCalls: Call[] = [];

interface ProblemView {
  id: string;
  kind: string;
  dimension: string | null;
  value: string | null;
  status: string;
  severity: number;
  current: { from: string; to: string };
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  resolvedBy: string | null;
  resolvedAt: string | null;
  evidence: { exampleTraceIds: string[]; series?: { timeMs: number; value: number }[] };
}
interface RunView {
  windows: {
    from: string;
    outcome: string;
    findings: number;
    problems: number;
    skipped: { kind: string; reason: string }[];
  }[];
}

const call = (cookie: string, method: string, path: string, body?: unknown) =>
  World.call(server.url, cookie, method, path, body);

async function json<T>(response: Response, status = 200): Promise<T> {
  const text = await response.text();
  expect([response.status, text]).toEqual([status, expect.anything()]);
  return JSON.parse(text) as T;
}

/** Status and the error message of a refused request. */
async function refusal(response: Response): Promise<[number, string]> {
  const body = (await response.json()) as { message?: string };
  return [response.status, body.message ?? ''];
}

async function addUser(role: 'member' | 'viewer'): Promise<string> {
  const email = `${role}@detection.test`;
  const password = `${role}-password-for-detection`;
  const created = await call(admin, 'POST', '/api/users', { email, password, role, projects: ['default'] });
  expect(created.status).toBe(201);
  return World.login(server.url, { email, password });
}

beforeAll(async () => {
  server = await DriftwatchServer.start({
    env: { DRIFTWATCH_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD, DRIFTWATCH_DETECTOR_INTERVAL_MS: '500' },
  });
  admin = await World.login(server.url, { email: 'admin@localhost', password: ADMIN_PASSWORD });
  member = await addUser('member');
  viewer = await addUser('viewer');
  const calls: Call[] = [];
  for (let h = 3; h >= 1; h--) {
    calls.push(...hourOfCalls(T - h * HOUR, 'gpt-4o-mini', 80, 800, h));
    calls.push(...hourOfCalls(T - h * HOUR, 'gpt-4o', 80, 1200, 10 + h));
  }
  // The current hour: gpt-4o-mini's latency doubles, gpt-4o's does not move.
  slowCalls.push(...hourOfCalls(T, 'gpt-4o-mini', 80, 1600, 20));
  calls.push(...slowCalls, ...hourOfCalls(T, 'gpt-4o', 80, 1200, 21));
  // The hour after: a handful of calls only.
  calls.push(...hourOfCalls(T + HOUR, 'gpt-4o-mini', 5, 800, 30));
  await sendCalls(server, calls);
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe('detector settings', () => {
  it('refuses unknown detectors and impossible sensitivities with a 400 that says what is wrong', async () => {
    const cases: [unknown, RegExp][] = [
      [{ enabled: ['latency', 'vibes'] }, /unknown detector "vibes"/],
      [{ falseAlarmRate: 0.5 }, /falseAlarmRate is a probability in \(0, 0\.2\]/],
      [{ falseAlarmRate: 0 }, /falseAlarmRate/],
      [{ minSamples: 5 }, /minSamples must be at least 10/],
      [{ windowMs: 90_500 }, /whole number of minutes/],
      [{ baseline: 'fixed' }, /fixedBaseline/],
      [{ dimensions: ['planet'] }, /unknown dimension "planet"/],
      [{ sensitivity: 'high' }, /sensitivity/],
    ];
    for (const [body, message] of cases) {
      const response = await call(admin, 'PUT', '/api/projects/default/detectors', body);
      expect(await refusal(response)).toEqual([400, expect.stringMatching(message)]);
    }
    // Members read them; only admins change them.
    expect((await call(member, 'PUT', '/api/projects/default/detectors', {})).status).toBe(403);
    expect((await call(viewer, 'GET', '/api/projects/default/detectors')).status).toBe(200);
  });

  it('stores valid settings; unset fields take their defaults', async () => {
    // Before any PUT: the defaults, which watch regressions by topic too (and the releases, models, prompts).
    const defaults = await json<{ dimensions: string[] }>(
      await call(viewer, 'GET', '/api/projects/default/detectors'),
    );
    expect(defaults.dimensions).toEqual(['model', 'release', 'environment', 'prompt', 'topic']);
    const stored = await json<Record<string, unknown>>(
      await call(admin, 'PUT', '/api/projects/default/detectors', {
        windowMs: HOUR,
        baseline: 'trailing',
        baselineWindows: 3,
        dimensions: ['model'],
      }),
    );
    expect(stored).toMatchObject({
      windowMs: HOUR,
      baselineWindows: 3,
      minSamples: 30,
      falseAlarmRate: 0.005,
    });
    expect(await json(await call(viewer, 'GET', '/api/projects/default/detectors'))).toEqual(stored);
  });
});

describe('detection over a past window', () => {
  let opened: ProblemView;

  it('opens a latency problem for the model whose latency rose, with its evidence', async () => {
    const run = await json<RunView>(
      await call(admin, 'POST', '/api/detectors/run', { from: iso(T), to: iso(T + HOUR) }),
    );
    expect(run.windows).toHaveLength(1);
    expect(run.windows[0]).toMatchObject({ from: iso(T), outcome: 'ok' });
    expect(run.windows[0]!.findings).toBeGreaterThan(0);

    const page = await json<{ items: ProblemView[] }>(
      await call(admin, 'GET', '/api/problems?kind=latency&dimension=model&value=gpt-4o-mini'),
    );
    expect(page.items.length).toBeGreaterThan(0);
    opened = page.items[0]!;
    expect(opened).toMatchObject({
      kind: 'latency',
      dimension: 'model',
      value: 'gpt-4o-mini',
      status: 'open',
      current: { from: iso(T), to: iso(T + HOUR) },
    });
    const slowTraces = new Set(slowCalls.map((c) => c.traceId));
    expect(opened.evidence.exampleTraceIds.length).toBeGreaterThan(0);
    for (const id of opened.evidence.exampleTraceIds) expect(slowTraces.has(id)).toBe(true);
    expect(opened.evidence.series?.length).toBeGreaterThan(0);
    // The model that did not change has no latency problem.
    const steady = await json<{ items: ProblemView[] }>(
      await call(admin, 'GET', '/api/problems?kind=latency&value=gpt-4o'),
    );
    expect(steady.items).toEqual([]);
    expect(await json(await call(viewer, 'GET', `/api/problems/${opened.id}`))).toEqual(opened);
    // The project's API key reads its problems; another project's key sees none of them.
    expect((await server.fetch(`/api/problems/${opened.id}`)).status).toBe(200);
    const other = await server.fetch('/api/problems', {}, server.otherProjectKey);
    expect(await json(other)).toEqual({ items: [], nextCursor: null });
    expect((await server.fetch(`/api/problems/${opened.id}`, {}, server.otherProjectKey)).status).toBe(404);
  });

  it('never opens the same problem twice: a re-run of the window is recognised, a forced one refreshes', async () => {
    const before = await json<{ items: ProblemView[] }>(await call(admin, 'GET', '/api/problems?limit=200'));
    const again = await json<RunView>(
      await call(admin, 'POST', '/api/detectors/run', { from: iso(T), to: iso(T + HOUR) }),
    );
    expect(again.windows[0]).toMatchObject({ outcome: 'already_done', findings: 0 });
    const forced = await json<RunView>(
      await call(admin, 'POST', '/api/detectors/run', { from: iso(T), to: iso(T + HOUR), rerun: true }),
    );
    expect(forced.windows[0]).toMatchObject({ outcome: 'ok' });
    expect(forced.windows[0]!.problems).toBeGreaterThan(0);
    const after = await json<{ items: ProblemView[] }>(await call(admin, 'GET', '/api/problems?limit=200'));
    expect(after.items.map((p) => p.id).sort()).toEqual(before.items.map((p) => p.id).sort());
  });

  it('lets members acknowledge and resolve, recording who and when; viewers and API keys cannot', async () => {
    const path = `/api/problems/${opened.id}`;
    expect((await call(viewer, 'POST', `${path}/acknowledge`)).status).toBe(403);
    expect((await call(viewer, 'POST', `${path}/resolve`)).status).toBe(403);
    expect((await server.fetch(`${path}/acknowledge`, { method: 'POST' })).status).toBe(403);
    const before = Date.now();
    const acked = await json<ProblemView>(await call(member, 'POST', `${path}/acknowledge`));
    expect(acked).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'member@detection.test' });
    expect(Date.parse(acked.acknowledgedAt!)).toBeGreaterThanOrEqual(before);
    const resolved = await json<ProblemView>(await call(admin, 'POST', `${path}/resolve`));
    expect(resolved).toMatchObject({
      status: 'resolved',
      acknowledgedBy: 'member@detection.test',
      resolvedBy: 'admin@localhost',
    });
    expect(await json(await call(viewer, 'GET', path))).toEqual(resolved);
    expect((await call(member, 'POST', `${path}/acknowledge`)).status).toBe(409);
    const open = await json<{ items: ProblemView[] }>(
      await call(admin, 'GET', '/api/problems?status=open,acknowledged'),
    );
    expect(open.items.map((p) => p.id)).not.toContain(opened.id);
    expect((await call(member, 'POST', `/api/problems/${'0'.repeat(32)}/resolve`)).status).toBe(404);
    expect((await call(member, 'POST', '/api/problems/not-an-id/resolve')).status).toBe(400);
  });

  it('reports "not enough data" for a window with a handful of calls instead of testing it', async () => {
    const run = await json<RunView>(
      await call(admin, 'POST', '/api/detectors/run', { from: iso(T + HOUR), to: iso(T + 2 * HOUR) }),
    );
    expect(run.windows[0]).toMatchObject({ outcome: 'ok', findings: 0, problems: 0 });
    expect(run.windows[0]!.skipped).toContainEqual(
      expect.objectContaining({ kind: 'latency', reason: expect.stringMatching(/^not enough data/) }),
    );
    // The runs say so too, for the role's runs as for these; a viewer reads them.
    const runs = await json<{ items: { from: string; outcome: string; skipped: unknown[] }[] }>(
      await call(viewer, 'GET', '/api/detectors/runs?limit=500'),
    );
    const run2 = runs.items.find((r) => r.from === iso(T + HOUR));
    expect(run2).toMatchObject({ outcome: 'ok', skipped: run.windows[0]!.skipped });
  });

  it('bounds backfills and keeps them to admins', async () => {
    const tooLong = await call(admin, 'POST', '/api/detectors/run', {
      from: iso(T - 200 * HOUR),
      to: iso(T),
    });
    expect(await refusal(tooLong)).toEqual([400, expect.stringMatching(/at most 168/)]);
    const backwards = await call(admin, 'POST', '/api/detectors/run', { from: iso(T), to: iso(T - HOUR) });
    expect(await refusal(backwards)).toEqual([400, expect.stringMatching(/before/)]);
    const partial = await call(admin, 'POST', '/api/detectors/run', {
      from: iso(T + 60_000),
      to: iso(T + HOUR),
    });
    expect(await refusal(partial)).toEqual([400, expect.stringMatching(/no whole window/)]);
    expect(
      (await call(member, 'POST', '/api/detectors/run', { from: iso(T), to: iso(T + HOUR) })).status,
    ).toBe(403);
    const bad = await call(admin, 'GET', '/api/problems?status=closed');
    expect(await refusal(bad)).toEqual([400, expect.stringMatching(/unknown status "closed"/)]);
  });

  it("shows the detector role's state on /readyz and documents the routes", async () => {
    const ready = await json<{ checks: { detector: { ready: boolean; rounds: number } } }>(
      await fetch(`${server.url}/readyz`),
    );
    expect(ready.checks.detector).toMatchObject({ ready: true, detectorsRunIn: 'worker thread' });
    expect(ready.checks.detector.rounds).toBeGreaterThan(0);
    const doc = await json<{ paths: Record<string, unknown> }>(await fetch(`${server.url}/api/openapi.json`));
    for (const path of ['/api/problems', '/api/problems/{problemId}/acknowledge', '/api/detectors/run'])
      expect(doc.paths).toHaveProperty([path]);
  });
});
