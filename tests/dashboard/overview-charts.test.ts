/**
 * Overview charts in Chromium against the real server: dated time ticks and the time zone, a tooltip under the
 * pointer, drag to zoom (the window goes to the URL), click a bucket to open its traces, a custom range, grouping
 * by model, and readable labels at phone width.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium, screenshot, signIn } from './support/browser.js';
import { VIEWER, World } from './support/world.js';

/** Polls a page value; a loaded machine can take seconds to render after a navigation. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 100 });

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

async function overview(width: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, timezoneId: 'Europe/Paris' });
  const page = await context.newPage();
  await signIn(page, world.dashboard.url, VIEWER.email, VIEWER.password);
  await chart(page, 'Requests').locator('svg').waitFor();
  return page;
}

const chart = (page: Page, title: string): Locator =>
  page
    .locator('figure.chart')
    .filter({ has: page.locator('.chart-title', { hasText: new RegExp(`^${title}$`) }) });

/** The chart's plot area once laid out and still (a navigation re-renders the charts as new data arrives). */
async function area(page: Page, title: string) {
  const hit = chart(page, title).getByTestId('chart-area');
  let last = '';
  await poll(async () => {
    const box = await hit.boundingBox({ timeout: 1_000 }).catch(() => null);
    const now = JSON.stringify(box);
    const still = box !== null && now === last;
    last = now;
    return still;
  }).toBe(true);
  return JSON.parse(last) as { x: number; y: number; width: number; height: number };
}

describe('overview charts in Chromium', () => {
  it('labels the time axis with dates, times and the viewer time zone, and shows a tooltip', async () => {
    const page = await overview(1360);
    const requests = chart(page, 'Requests');
    // Round times, all different (not two "08:28"), and the date under the first and at each new day.
    const times = (await requests.locator('text.axis:not(.date)').allTextContents()).filter((l) =>
      /^\d\d:\d\d$/.test(l),
    );
    expect(times.length).toBeGreaterThanOrEqual(3);
    expect(new Set(times).size).toBe(times.length);
    const dates = await requests.locator('text.axis.date').allTextContents();
    expect(dates.length).toBeGreaterThanOrEqual(1);
    expect(dates.every((d) => /^\d{1,2} (Nov|Dec)$/.test(d))).toBe(true);
    expect(await requests.locator('.chart-zone').textContent()).toBe('Times in Europe/Paris');
    const fontSize = await requests
      .locator('text.axis')
      .first()
      .evaluate(
        (el) => parseFloat(getComputedStyle(el).fontSize) * (el.getBoundingClientRect().height > 0 ? 1 : 0),
      );
    expect(fontSize).toBeGreaterThanOrEqual(11);

    const box = await area(page, 'Requests');
    await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2);
    const tip = requests.getByRole('tooltip');
    await tip.waitFor();
    expect(await tip.textContent()).toMatch(/requests: [1-9]/);
    await screenshot(page, 'overview-charts');
    await page.context().close();
  });

  it('zooms to a dragged range and opens the traces of a clicked bucket', async () => {
    const page = await overview(1360);
    const box = await area(page, 'Requests');
    await page.mouse.move(box.x + box.width * 0.5, box.y + 20);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.75, box.y + 20, { steps: 5 });
    await page.mouse.move(box.x + box.width - 1, box.y + 20, { steps: 5 });
    await page.mouse.up();
    await page.waitForURL(/from=\d+&to=\d+/);
    const url = new URL(page.url());
    const [from, to] = [Number(url.searchParams.get('from')), Number(url.searchParams.get('to'))];
    expect(to - from).toBeGreaterThan(10 * 3_600_000);
    expect(to - from).toBeLessThan(13 * 3_600_000);
    // Dragged to the right edge: the newest bucket, with this test's traces, stays in.
    await chart(page, 'Requests').waitFor();
    expect(await page.getByLabel('Time range').inputValue()).toBe('custom');

    const zoomed = await area(page, 'Requests');
    await page.mouse.click(zoomed.x + zoomed.width - 1, zoomed.y + zoomed.height / 2);
    await page.waitForURL(/\/traces\?from=\d+&to=\d+/);
    const rows = page.getByRole('table', { name: 'Traces' }).getByRole('row');
    await poll(() => rows.count()).toBeGreaterThan(1);
    await page.context().close();
  });

  it('takes a custom range and groups the charts by model', async () => {
    const page = await overview(1360);
    const now = Date.now();
    const local = (ms: number) => new Date(ms + 3_600_000).toISOString().slice(0, 16); // Europe/Paris in November is UTC+1
    await page.getByLabel('From', { exact: true }).fill(local(now - 2 * 3_600_000));
    await page.getByLabel('To', { exact: true }).fill(local(now + 3_600_000));
    await page.getByRole('form', { name: 'Custom range' }).getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/from=\d+&to=\d+/);
    const url = new URL(page.url());
    expect(Number(url.searchParams.get('to')) - Number(url.searchParams.get('from'))).toBe(3 * 3_600_000);

    await page.getByLabel('Group by').selectOption('model');
    await page.waitForURL(/groupBy=model/);
    const legend = chart(page, 'Requests').locator('.legend');
    await poll(() => legend.textContent()).toContain('gpt-4o-mini');
    await screenshot(page, 'overview-grouped');
    await page.context().close();
  });

  it('fits a phone: charts as wide as the screen, labels readable', async () => {
    const page = await overview(390);
    const svg = chart(page, 'Requests').locator('svg');
    const box = (await svg.boundingBox())!;
    expect(box.width).toBeLessThanOrEqual(390);
    expect(box.width).toBeGreaterThan(250);
    const labels = await chart(page, 'Requests').locator('text.axis').allTextContents();
    expect(labels.filter((l) => /\d\d:\d\d/.test(l)).length).toBeGreaterThanOrEqual(2);
    await screenshot(page, 'overview-charts-phone');
    await page.context().close();
  });
});
