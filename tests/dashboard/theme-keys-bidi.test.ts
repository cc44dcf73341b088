/**
 * Dark mode (following the system, with a switch that sticks), keyboard help on `?`, `/` into the search field,
 * and a trace name with a right-to-left override shown isolated and without it, in Chromium against the real
 * server. Screenshots in dark at desktop and phone width.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { otlpProtobuf, simpleSpan } from '../support/otlp-payloads.js';
import { launchChromium, screenshot, signIn } from './support/browser.js';
import { VIEWER, World } from './support/world.js';

let world: World;
let browser: Browser;
const HOSTILE_NAME = 'report for \u202Eexe.live';

beforeAll(async () => {
  world = await World.start();
  browser = await launchChromium();
  const sent = await world.server.fetch('/v1/traces', {
    method: 'POST',
    body: otlpProtobuf([simpleSpan({ name: HOSTILE_NAME })]),
    headers: { 'content-type': 'application/x-protobuf' },
  });
  expect(sent.status).toBe(200);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await world?.stop();
});

async function pageWith(colorScheme: 'light' | 'dark', width = 1360): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme });
  const page = await context.newPage();
  await signIn(page, world.dashboard.url, VIEWER.email, VIEWER.password);
  return page;
}

const theme = (page: Page) => page.evaluate(() => document.documentElement.dataset.theme);
const background = (page: Page) =>
  page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);

describe('theme, keys and bidi in Chromium', () => {
  it('follows a dark system, and the switch overrides it across reloads', async () => {
    const page = await pageWith('dark');
    await page.locator('[data-stat="requests"] dd').waitFor();
    expect(await theme(page)).toBe('dark');
    expect(await background(page)).toBe('rgb(15, 20, 27)');
    await screenshot(page, 'overview-dark');
    await page.goto(`${world.dashboard.url}/sessions/session-1`);
    await page.getByRole('list', { name: 'Conversation' }).waitFor();
    await screenshot(page, 'session-dark');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'session-dark-phone');

    await page.getByLabel('Theme').selectOption('light');
    expect(await theme(page)).toBe('light');
    await page.reload();
    await page.getByRole('list', { name: 'Conversation' }).waitFor();
    expect(await theme(page)).toBe('light');
    expect(await background(page)).toBe('rgb(246, 247, 249)');
    await page.context().close();
  });

  it('shows the keyboard help on ? and puts / into the search field', async () => {
    const page = await pageWith('light');
    await page.goto(`${world.dashboard.url}/traces`);
    await page.getByRole('table', { name: 'Traces' }).waitFor();
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    expect(await help.textContent()).toContain('Search or filter on this page');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    await page.keyboard.press('/');
    const focused = await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name);
    expect(focused).toBe('search');
    // Typing "?" in the field types it, it does not open the help.
    await page.keyboard.type('?');
    expect(await page.getByRole('dialog').count()).toBe(0);
    await page.context().close();
  });

  it('shows a trace name without its override character, isolated, in the list and on the trace', async () => {
    const page = await pageWith('light');
    await page.goto(`${world.dashboard.url}/traces`);
    const link = page.getByRole('table', { name: 'Traces' }).getByRole('link', { name: /^report for/ });
    await link.waitFor();
    expect(await link.textContent()).toBe('report for exe.live');
    expect(await link.locator('bdi').count()).toBe(1);
    await link.click();
    await page.getByRole('heading', { level: 1, name: 'report for exe.live' }).waitFor();
    await page.context().close();
  });
});
