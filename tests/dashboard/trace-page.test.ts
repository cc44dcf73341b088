/**
 * The trace page's head and selection in Chromium against the real server: the full trace id with a copy
 * button, model calls counted by the same rule as the token totals (an agent span is not a call), tokens and
 * cost, the selected span in the URL (a reload keeps it), and an unknown trace that says it was not found.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { formatCost } from '../../apps/dashboard/src/lib/format.js';
import { launchChromium, screenshot, signIn } from './support/browser.js';
import { VIEWER, World } from './support/world.js';

/** Polls a page value; a loaded machine can take seconds to render after a navigation. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 100 });

interface Detail {
  spans: Array<{
    spanId: string;
    name: string;
    llm: { usageCounted: boolean; costUsd: number | null } | null;
  }>;
}

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

async function page(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: world.dashboard.url });
  const p = await context.newPage();
  await signIn(p, world.dashboard.url, VIEWER.email, VIEWER.password);
  return p;
}

describe('trace page in Chromium', () => {
  it('heads the trace with its full id, counted model calls, tokens and cost, and copies the id', async () => {
    const traceId = world.traceIds[0]!;
    const detail = await world.server.json<Detail>(`/api/traces/${traceId}`);
    const counted = detail.spans.filter((s) => s.llm?.usageCounted);
    const withLlm = detail.spans.filter((s) => s.llm);
    // The agent trace: the agent span carries usage too, but only the model calls count.
    expect(withLlm.length).toBeGreaterThan(counted.length);
    const cost = counted.reduce((n, s) => n + (s.llm?.costUsd ?? 0), 0);

    const p = await page();
    await p.goto(`${world.dashboard.url}/traces/${traceId}`);
    const facts = p.locator('.trace-facts');
    await facts.waitFor();
    const text = (await facts.textContent()) ?? '';
    expect(text).toContain(`${counted.length} LLM calls`);
    expect(text).toContain(formatCost(cost));
    expect(text).toMatch(/\d+ tokens/);
    expect(await p.locator('.crumbs .trace-id').textContent()).toBe(traceId);
    await p.getByRole('button', { name: 'Copy trace id' }).click();
    await p.getByRole('button', { name: 'trace id copied' }).waitFor();
    expect(await p.evaluate(() => navigator.clipboard.readText())).toBe(traceId);
    await screenshot(p, 'trace-head');
    await p.context().close();
  });

  it('keeps the selected span in the URL, so a reload or a link opens it', async () => {
    const traceId = world.traceIds[0]!;
    const p = await page();
    await p.goto(`${world.dashboard.url}/traces/${traceId}`);
    const waterfall = p.getByRole('tree', { name: /Spans/ });
    await waterfall.waitFor();
    const option = waterfall.getByRole('treeitem', { name: /^execute_tool/ });
    await option.click();
    await p.waitForURL(/\?span=[0-9a-f]{16}$/);
    const spanId = new URL(p.url()).searchParams.get('span')!;
    await p.reload();
    await poll(() => waterfall.getByRole('treeitem', { selected: true }).getAttribute('aria-label')).toMatch(
      /^execute_tool/,
    );
    expect(await p.getByRole('region', { name: /^Span / }).textContent()).toContain(spanId);
    // A tool span shows its arguments and result, not empty model fields.
    const tool = p.getByRole('region', { name: 'Tool call' });
    await tool.waitFor();
    expect(await tool.textContent()).toContain('get_weather');
    expect(await tool.locator('pre').first().textContent()).toContain('Paris');
    expect(await tool.locator('pre').nth(1).textContent()).toContain('sunny');
    expect(await p.getByText('Input tokens').count()).toBe(0);
    expect(await waterfall.locator('.kind-icon.kind-tool').count()).toBe(1);
    expect(await waterfall.locator('.kind-icon.kind-agent').count()).toBe(1);
    await screenshot(p, 'trace-tool-span');
    await p.context().close();
  });

  it('says an unknown trace is not found, without offering to try again', async () => {
    const p = await page();
    await p.goto(`${world.dashboard.url}/traces/${'ab'.repeat(16)}`);
    await p.getByText('Not found').waitFor();
    await p.getByText(`No trace ${'ab'.repeat(16)} in this project`).waitFor();
    expect(await p.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    await p.context().close();
  });
});
