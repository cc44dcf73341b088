// The Problems pages in Chromium against the real server: a latency regression sent as past OTLP spans, detection
// run over its window through the API, then the list, the problem page, acknowledging, a review queue from the
// examples, the overview card, and a viewer who sees no buttons.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { type Call, HOUR, hourOfCalls, sendCalls } from '../detection/support.js';
import { launchChromium, screenshot, signIn } from './support/browser.js';
import { ADMIN, VIEWER, World } from './support/world.js';

/** Two days ago on the hour: three baseline hours before T, the current hour from T. */
const T = Math.floor(Date.now() / HOUR) * HOUR - 48 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

interface Problem {
  id: string;
  kind: string;
  value: string | null;
  status: string;
  baselineValue: number;
  currentValue: number;
  acknowledgedBy: string | null;
  evidence: { exampleTraceIds: string[]; series?: unknown[]; band?: unknown; changePointMs?: number };
}

let world: World;
let browser: Browser;
let adminCookie: string;
let problem: Problem;
const slowTraces = new Set<string>();

beforeAll(async () => {
  world = await World.start();
  adminCookie = await World.login(world.server.url, ADMIN);
  const call = (method: string, path: string, body?: unknown) =>
    World.call(world.server.url, adminCookie, method, path, body);
  const settings = await call('PUT', '/api/projects/default/detectors', {
    windowMs: HOUR,
    baselineWindows: 3,
    dimensions: ['model'],
  });
  expect(settings.status).toBe(200);
  const calls: Call[] = [];
  for (let h = 3; h >= 1; h--) {
    calls.push(...hourOfCalls(T - h * HOUR, 'gpt-4o-mini', 80, 800, h));
    calls.push(...hourOfCalls(T - h * HOUR, 'gpt-4o', 80, 1200, 10 + h));
  }
  // The current hour: gpt-4o-mini's latency doubles, gpt-4o's does not move.
  const slow = hourOfCalls(T, 'gpt-4o-mini', 80, 1600, 20);
  for (const c of slow) slowTraces.add(c.traceId);
  calls.push(...slow, ...hourOfCalls(T, 'gpt-4o', 80, 1200, 21));
  await sendCalls(world.server, calls);
  const run = await call('POST', '/api/detectors/run', { from: iso(T), to: iso(T + HOUR) });
  expect(run.status).toBe(200);
  const found = await call('GET', '/api/problems?kind=latency&dimension=model&value=gpt-4o-mini');
  const items = ((await found.json()) as { items: Problem[] }).items;
  expect(items).toHaveLength(1);
  problem = items[0]!;
  expect(problem.status).toBe('open');
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await world?.stop();
});

async function pageAs(who: { email: string; password: string }, width = 1360): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  await signIn(page, world.dashboard.url, who.email, who.password);
  return page;
}

describe('problems pages in Chromium', () => {
  it('lists the latency problem of the slow model, with its filters in the URL', async () => {
    const page = await pageAs(ADMIN);
    await page.goto(`${world.dashboard.url}/`);
    const card = page.getByRole('region', { name: 'Open problems' });
    await card.getByText(/^\d+ open problems?$/).waitFor();
    await screenshot(page, 'overview-problems-card');
    await card.getByRole('link', { name: 'See problems' }).click();
    await page.waitForURL(/\/problems$/);

    const list = page.getByRole('list', { name: 'Problems' });
    const row = list
      .getByRole('listitem')
      .filter({ hasText: 'model=gpt-4o-mini' })
      .filter({ hasText: 'Latency' });
    await row.getByText('open', { exact: true }).waitFor();
    await row.getByRole('img', { name: /per window/ }).waitFor();
    // The steady model has no latency problem.
    expect(
      await list
        .getByRole('listitem')
        .filter({ hasText: /model=gpt-4o(?!-)/ })
        .filter({ hasText: 'Latency' })
        .count(),
    ).toBe(0);

    await page.getByLabel('Kind').selectOption('latency');
    await page.waitForURL(/kind=latency/);
    await page.getByRole('button', { name: 'Newest first' }).click();
    await page.waitForURL(/sort=time/);
    expect(new URL(page.url()).searchParams.get('kind')).toBe('latency');
    await row.waitFor();
    expect(await list.getByRole('listitem').filter({ hasNotText: 'Latency' }).count()).toBe(0);
    await screenshot(page, 'problems-list');

    await row.getByRole('link').click();
    await page.waitForURL(new RegExp(`/problems/${problem.id}$`));
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.context().close();
  });

  it('shows the numbers, the chart and the example traces; an admin acknowledges it', async () => {
    const page = await pageAs(ADMIN);
    await page.goto(`${world.dashboard.url}/problems/${problem.id}?project=default`);
    const numbers = page.getByLabel('Problem numbers', { exact: true });
    const values = numbers.locator('[data-stat="values"] dd');
    await values.waitFor();
    // Latency reads as "906 ms → 1.81 s": back to ms, within the rounding of the display.
    const [base, now] = (await values.textContent())!.split('→').map((part) => {
      const [, n, unit] = /([\d.,]+) (ms|s)/.exec(part)!;
      return Number(n!.replace(/,/g, '')) * (unit === 's' ? 1000 : 1);
    });
    expect(Math.abs(base! - problem.baselineValue)).toBeLessThanOrEqual(problem.baselineValue * 0.01);
    expect(Math.abs(now! - problem.currentValue)).toBeLessThanOrEqual(problem.currentValue * 0.01);
    expect(now! / base!).toBeGreaterThan(1.5);
    const change = Math.round(((problem.currentValue - problem.baselineValue) / problem.baselineValue) * 100);
    expect(await numbers.locator('[data-stat="change"] dd').textContent()).toBe(`+${change}%`);

    const chart = page.getByRole('img', { name: /per window with the baseline band/ });
    expect(await chart.locator('circle').count()).toBe(problem.evidence.series!.length);
    expect(await chart.locator('[data-part="baseline-band"]').count()).toBe(problem.evidence.band ? 1 : 0);
    expect(await chart.locator('[data-part="change-point"]').count()).toBe(
      problem.evidence.changePointMs === undefined ? 0 : 1,
    );

    const examples = page.getByRole('list', { name: 'Example traces' }).getByRole('link');
    const ids = await examples.allTextContents();
    expect(ids).toEqual(problem.evidence.exampleTraceIds);
    for (const id of ids) expect(slowTraces.has(id)).toBe(true);
    const open = new URL(
      (await page.getByRole('link', { name: 'Open these traces' }).getAttribute('href'))!,
      world.dashboard.url,
    );
    expect(Object.fromEntries(open.searchParams)).toEqual({
      model: 'gpt-4o-mini',
      from: String(T),
      to: String(T + HOUR),
    });
    await screenshot(page, 'problem-page');

    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByText('acknowledged', { exact: true }).waitFor();
    await page.getByText(`Acknowledged by ${ADMIN.email}.`, { exact: false }).waitFor();
    expect(await page.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);
    const stored = (await (
      await World.call(world.server.url, adminCookie, 'GET', `/api/problems/${problem.id}`)
    ).json()) as Problem;
    expect(stored).toMatchObject({ status: 'acknowledged', acknowledgedBy: ADMIN.email });
    await page.context().close();
  });

  it('"Review these examples" makes a queue of the example traces and opens it', async () => {
    const page = await pageAs(ADMIN);
    await page.goto(`${world.dashboard.url}/problems/${problem.id}`);
    await page.getByRole('button', { name: 'Review these examples' }).click();
    await page.waitForURL(/\/review\/q_/);
    const queueId = new URL(page.url()).pathname.split('/').pop()!;
    const items = (await (
      await World.call(world.server.url, adminCookie, 'GET', `/api/review-queues/${queueId}/items`)
    ).json()) as { items: Array<{ traceId: string }> };
    expect(items.items.map((i) => i.traceId).sort()).toEqual([...problem.evidence.exampleTraceIds].sort());
    await page.context().close();
  });

  it('a viewer reads the problem without status or review buttons; it fits a phone', async () => {
    const page = await pageAs(VIEWER, 390);
    await page.goto(`${world.dashboard.url}/problems/${problem.id}`);
    await page.getByLabel('Problem numbers', { exact: true }).waitFor();
    await page.getByRole('link', { name: 'Open these traces' }).waitFor();
    for (const name of ['Acknowledge', 'Resolve', 'Review these examples'])
      expect(await page.getByRole('button', { name }).count()).toBe(0);
    await screenshot(page, 'problem-page-phone');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.goto(`${world.dashboard.url}/problems?status=acknowledged`);
    await page.getByRole('list', { name: 'Problems' }).getByText('model=gpt-4o-mini').first().waitFor();
    await screenshot(page, 'problems-list-phone');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.context().close();
  });
});
