import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { otlpProtobuf, simpleSpan } from '../support/otlp-payloads.js';
import { formatCost } from '../../apps/dashboard/src/lib/format.js';
import { launchChromium, screenshot, signIn } from './support/browser.js';
import { ADMIN, OUTSIDER, VIEWER, World } from './support/world.js';

let world: World;
let browser: Browser;

beforeAll(async () => {
  world = await World.start();
  browser = await launchChromium();
}, 240_000);

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

interface Summary {
  totals: Array<{ requests: number; errorRate: number; costUsd: number }>;
}

describe('dashboard in Chromium', () => {
  it('signs in and shows overview numbers that match the API', async () => {
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${world.dashboard.url}/`);
    await page.waitForURL(/\/sign-in/);
    await screenshot(page, 'sign-in');
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Wrong email or password').waitFor();
    await signIn(page, world.dashboard.url, ADMIN.email, ADMIN.password);

    const requests = page.locator('[data-stat="requests"] dd');
    await requests.waitFor();
    const api = await world.server.json<Summary>('/api/metrics/summary');
    expect(api.totals[0]!.requests).toBeGreaterThan(0);
    expect(await requests.textContent()).toBe(api.totals[0]!.requests.toLocaleString('en-US'));
    const cost = api.totals[0]!.costUsd;
    // Two significant digits below a cent (lib/format.test.ts covers the format itself).
    expect(await page.locator('[data-stat="cost"] dd').textContent()).toBe(formatCost(cost));
    expect(cost).toBeLessThan(0.01);
    expect(formatCost(cost)).toMatch(/^\$0\.0*[1-9]\d?$/);
    await page.getByRole('region', { name: 'Slowest traces' }).getByRole('link').first().waitFor();
    await page.getByRole('heading', { name: 'Top models' }).waitFor();
    await expect
      .poll(() => page.getByRole('cell', { name: 'gpt-4o-mini', exact: true }).count())
      .toBeGreaterThan(0);
    await screenshot(page, 'overview');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'overview-phone');
    await context.close();
  });

  it('filters the traces table, keeps filters in the URL and opens a trace with the keyboard', async () => {
    const page = await pageAs(ADMIN);
    await page.goto(`${world.dashboard.url}/traces`);
    const rows = page.locator('table[aria-label="Traces"] tbody tr');
    await rows.first().waitFor();
    const all = await rows.count();
    expect(all).toBeGreaterThanOrEqual(world.traceIds.length);
    await screenshot(page, 'traces');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'traces-phone');
    await page.setViewportSize({ width: 1360, height: 900 });

    await page.getByLabel('User').fill('user-ada');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/userId=user-ada/);
    await expect.poll(() => rows.count()).toBeLessThan(all);
    expect(await page.locator('table[aria-label="Traces"]').textContent()).not.toContain('user-bob');

    await page.getByLabel('Status').selectOption('error');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No traces match').waitFor();

    await page.goto(`${world.dashboard.url}/traces?sort=durationMs&order=asc`);
    await rows.first().waitFor();
    expect(await page.locator('th[aria-sort="ascending"]').textContent()).toContain('Duration');
    await page.locator('body').press('j');
    await page.locator('body').press('Enter');
    await page.waitForURL(/\/traces\/[0-9a-f]{32}$/);
    await page.context().close();
  });

  it('reads the conversation of an LLM span with a tool call', async () => {
    const page = await pageAs(ADMIN);
    const traceId = world.traceIds[0]!;
    await page.goto(`${world.dashboard.url}/traces/${traceId}`);
    const waterfall = page.getByRole('tree', { name: /Spans/ });
    await waterfall.waitFor();
    expect(await waterfall.getByRole('treeitem').count()).toBeGreaterThan(2);
    // The first model call is selected at first: the user's question and the model's tool call.
    await expect
      .poll(() => waterfall.getByRole('treeitem', { selected: true }).getAttribute('aria-label'))
      .toMatch(/^chat gpt-4o-mini/);
    const chat = page.getByRole('region', { name: 'Conversation' });
    await chat.waitFor();
    await expect.poll(() => chat.textContent()).toContain('What is the weather in Paris today?');
    await screenshot(page, 'trace-detail');
    expect(
      await chat
        .getByRole('article', { name: /^System/ })
        .first()
        .textContent(),
    ).toContain('concise assistant');
    expect(await chat.locator('.tool-call').textContent()).toContain('get_weather');

    // The second chat call carries the tool's result back to the model.
    await waterfall
      .getByRole('treeitem', { name: /^chat gpt-4o-mini/ })
      .nth(1)
      .click();
    await expect.poll(() => page.locator('.tool-result').first().textContent()).toContain('sunny');
    await page.getByText('Attributes').click();
    await expect.poll(() => page.locator('details.raw pre').first().textContent()).toContain('gen_ai');
    await screenshot(page, 'trace-detail-tool-result');

    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'trace-detail-phone');
    const session = await page.goto(`${world.dashboard.url}/sessions/session-1`);
    expect(session?.status()).toBe(200);
    await page.getByRole('list', { name: 'Conversation' }).waitFor();
    expect(await page.getByRole('list', { name: 'Conversation' }).getByRole('listitem').count()).toBe(
      world.traceIds.filter((id, i, ids) => ids.indexOf(id) === i).length,
    );
    await screenshot(page, 'session-phone');
    await page.context().close();
  });

  it('creates an API key in settings, and the key ingests into this project', async () => {
    const page = await pageAs(ADMIN);
    await page.goto(`${world.dashboard.url}/settings`);
    await page.getByLabel('New key name').fill('browser test key');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.getByTestId('new-api-key').textContent())!.trim();
    expect(key).toMatch(/^dw_[A-Za-z0-9_-]{32}$/);
    await page.getByRole('cell', { name: 'browser test key' }).waitFor();
    await screenshot(page, 'settings');

    const span = simpleSpan({ name: 'ingested with a dashboard key' });
    const sent = await world.server.fetch(
      '/v1/traces',
      { method: 'POST', body: otlpProtobuf([span]), headers: { 'content-type': 'application/x-protobuf' } },
      key,
    );
    expect(sent.status).toBe(200);
    const stored = await world.server.json<{ spans: unknown[] }>(`/api/traces/${span.traceId}`, key);
    expect(stored.spans).toHaveLength(1);

    await page.goto(`${world.dashboard.url}/team`);
    await page.getByRole('table', { name: 'Users' }).getByText(VIEWER.email).waitFor();
    await screenshot(page, 'users');
    await page.context().close();
  });

  it('lets a viewer read but not create keys (no form, and the API answers 403)', async () => {
    const page = await pageAs(VIEWER);
    await page.goto(`${world.dashboard.url}/settings`);
    await page.getByRole('table', { name: 'API keys' }).waitFor();
    expect(await page.getByRole('button', { name: 'Create key' }).count()).toBe(0);
    await page.getByText('only admins can change them').waitFor();
    await screenshot(page, 'settings-viewer');
    const status = await page.evaluate(async () => {
      const response = await fetch('/api/projects/default/api-keys', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'sneaky' }),
      });
      return response.status;
    });
    expect(status).toBe(403);
    await page.context().close();
  });

  it('shows a user of another project nothing of this one', async () => {
    const page = await pageAs(OUTSIDER);
    await page.goto(`${world.dashboard.url}/traces`);
    await page.getByText('No traces match').waitFor();
    expect(await page.getByRole('combobox', { name: 'Project' }).inputValue()).toBe('other-project');
    const cookie = await World.login(world.server.url, OUTSIDER);
    const forbidden = await World.call(world.server.url, cookie, 'GET', '/api/traces', undefined, {
      'x-driftwatch-project': 'default',
    });
    expect(forbidden.status).toBe(403);
    const direct = await World.call(
      world.server.url,
      cookie,
      'GET',
      `/api/traces/${world.traceIds[0]}?project=default`,
    );
    expect(direct.status).toBe(403);
    await page.context().close();
  });

  it('opens a trace of 5,000 spans with only the visible rows in the page', async () => {
    const traceId = simpleSpan().traceId;
    const spans = Array.from({ length: 5000 }, (_, i) => simpleSpan({ traceId, name: `step ${i}` }));
    const sent = await world.server.fetch('/v1/traces', {
      method: 'POST',
      body: otlpProtobuf(spans),
      headers: { 'content-type': 'application/x-protobuf' },
    });
    expect(sent.status).toBe(200);
    const page = await pageAs(ADMIN);
    await page.goto(`${world.dashboard.url}/traces/${traceId}`);
    const waterfall = page.getByRole('tree', { name: 'Spans (5000)' });
    await waterfall.waitFor();
    expect(await waterfall.getByRole('treeitem').count()).toBeLessThan(120);
    await waterfall.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await expect
      .poll(() => waterfall.getByRole('treeitem').last().getAttribute('aria-label'))
      .toMatch(/^step \d+/);
    await screenshot(page, 'trace-5000-spans');
    await page.context().close();
  });
});
