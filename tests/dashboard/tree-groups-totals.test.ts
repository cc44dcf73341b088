/**
 * The last parts of the dashboard's issue 13 in Chromium against the real server, with traces from real
 * OpenTelemetry clients (two releases and environments): the trace tree folds and unfolds by mouse and keyboard
 * and keeps its folds while spans are selected; a parent row shows the cost of the counted model calls below it
 * (the header's rule, never the agent's repeated usage added again); the overview's charts group by release and
 * environment; the traces list says how many traces match. Each step waits for the drawn state it reads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { formatCost, formatCount } from '../../apps/dashboard/src/lib/format.js';
import { runGenAIManualHttpJson } from '../clients/index.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import { launchChromium, screenshot, signIn } from './support/browser.js';
import { VIEWER, World } from './support/world.js';

/** Polls a page value; a loaded machine can take seconds to render after a navigation. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 100 });

interface Detail {
  spans: Array<{
    spanId: string;
    parentSpanId: string | null;
    name: string;
    llm: { usageCounted: boolean; costUsd: number | null } | null;
  }>;
}

let world: World;
let browser: Browser;
let openai: FakeOpenAI;
/** Traces of the second release (0.2.0, staging), sent by the same real client as the world's. */
let stagingTraceIds: string[] = [];

beforeAll(async () => {
  world = await World.start();
  openai = await startFakeOpenAI({ host: '127.0.0.1' });
  const sent = await runGenAIManualHttpJson({
    otlpEndpoint: world.server.url,
    apiKey: world.server.apiKey,
    openaiBaseUrl: openai.baseUrl,
    userId: 'user-cy',
    sessionId: 'session-2',
    release: '0.2.0',
    environment: 'staging',
  });
  stagingTraceIds = sent.traceIds;
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await openai?.close();
  await world?.stop();
});

async function pageAs(width = 1280, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme });
  const p = await context.newPage();
  await signIn(p, world.dashboard.url, VIEWER.email, VIEWER.password);
  return p;
}

describe('trace tree, grouping and totals in Chromium', () => {
  it('folds and unfolds a subtree by mouse and keyboard, keeping folds while spans are selected', async () => {
    const traceId = world.traceIds[0]!;
    const detail = await world.server.json<Detail>(`/api/traces/${traceId}`);
    const agent = detail.spans.find((s) => s.name.startsWith('invoke_agent'))!;
    const below = detail.spans.filter((s) => s.parentSpanId === agent.spanId);
    expect(below.length).toBe(3);

    const p = await pageAs();
    await p.goto(`${world.dashboard.url}/traces/${traceId}`);
    const tree = p.getByRole('tree', { name: /Spans/ });
    await tree.waitFor();
    const items = tree.getByRole('treeitem');
    const agentRow = tree.getByRole('treeitem', { name: /^invoke_agent/ });
    await poll(() => items.count()).toBe(4);
    expect(await agentRow.getAttribute('aria-expanded')).toBe('true');
    // At first a model call below the agent is selected; folding the agent selects the agent instead.
    await poll(() => tree.getByRole('treeitem', { selected: true }).getAttribute('aria-label')).toMatch(
      /^chat/,
    );

    await p.getByRole('button', { name: 'Collapse invoke_agent weather-assistant' }).click();
    await poll(() => items.count()).toBe(1);
    expect(await agentRow.getAttribute('aria-expanded')).toBe('false');
    await poll(() => agentRow.getAttribute('aria-selected')).toBe('true');
    await p.waitForURL(new RegExp(`\\?span=${agent.spanId}$`));
    await screenshot(p, 'trace-tree-folded');

    // Unfold by mouse, select a model call (the URL changes), fold again: the selection moves up, the fold holds
    // while another span is picked.
    await p.getByRole('button', { name: 'Expand invoke_agent weather-assistant' }).click();
    await poll(() => items.count()).toBe(4);
    await tree.getByRole('treeitem', { name: /^execute_tool/ }).click();
    await p.waitForURL(/\?span=/);
    await poll(() => tree.getByRole('treeitem', { selected: true }).getAttribute('aria-label')).toMatch(
      /^execute_tool/,
    );
    expect(await items.count()).toBe(4);

    // Keyboard: Left folds the selected parent, Right unfolds it and then goes to its first child, Left on a
    // leaf goes to its parent.
    await agentRow.click();
    await poll(() => agentRow.getAttribute('aria-selected')).toBe('true');
    await tree.focus();
    await p.keyboard.press('ArrowLeft');
    await poll(() => items.count()).toBe(1);
    await p.keyboard.press('ArrowRight');
    await poll(() => items.count()).toBe(4);
    await p.keyboard.press('ArrowRight');
    await poll(() => tree.getByRole('treeitem', { selected: true }).getAttribute('aria-label')).toMatch(
      /^chat/,
    );
    await p.keyboard.press('ArrowLeft');
    await poll(() => agentRow.getAttribute('aria-selected')).toBe('true');
    expect(await items.count()).toBe(4);
    await p.context().close();
  });

  it('shows each model call its cost and tokens and the agent the sum of the counted calls below it', async () => {
    const traceId = world.traceIds[0]!;
    const detail = await world.server.json<Detail>(`/api/traces/${traceId}`);
    const agent = detail.spans.find((s) => s.name.startsWith('invoke_agent'))!;
    const counted = detail.spans.filter((s) => s.llm?.usageCounted);
    expect(counted.length).toBe(2);
    // The agent span carries its calls' usage too: it is not counted, so adding it would double the sum.
    expect(agent.llm?.usageCounted).toBe(false);
    const sum = counted.reduce((n, s) => n + (s.llm?.costUsd ?? 0), 0);
    expect(sum).toBeGreaterThan(0);
    expect(formatCost(sum * 2)).not.toBe(formatCost(sum));

    const p = await pageAs();
    await p.goto(`${world.dashboard.url}/traces/${traceId}`);
    const tree = p.getByRole('tree', { name: /Spans/ });
    const agentRow = tree.getByRole('treeitem', { name: /^invoke_agent/ });
    await agentRow.waitFor();
    await poll(() => agentRow.locator('.wf-usage').getAttribute('data-cost')).toBe(`Σ ${formatCost(sum)}`);
    expect(await agentRow.getAttribute('aria-label')).toContain(`2 model calls below: ${formatCost(sum)}`);
    // The same figure as the header's, which sums the same calls.
    expect(await p.locator('.trace-facts').textContent()).toContain(formatCost(sum));
    const chats = tree.getByRole('treeitem', { name: /^chat/ });
    expect(await chats.count()).toBe(2);
    for (const [i, call] of counted.entries()) {
      const row = tree.locator(`#span-${call.spanId}`);
      expect(await row.locator('.wf-usage').getAttribute('data-cost'), `call ${i}`).toBe(
        formatCost(call.llm!.costUsd),
      );
      expect(await row.locator('.wf-usage').textContent()).toMatch(/\d tok/);
    }
    // A tool span has no model calls: no figures at all (not 0).
    const tool = tree.getByRole('treeitem', { name: /^execute_tool/ });
    expect(await tool.locator('.wf-usage').textContent()).toBe('');
    // Folded, the agent still shows the sum of what it hides.
    await p.getByRole('button', { name: 'Collapse invoke_agent weather-assistant' }).click();
    await poll(() => tree.getByRole('treeitem').count()).toBe(1);
    expect(await agentRow.locator('.wf-usage').getAttribute('data-cost')).toBe(`Σ ${formatCost(sum)}`);
    await p.context().close();
  });

  it('groups the overview charts by release and by environment', async () => {
    const byRelease = await world.server.json<{ totals: Array<{ group: string; requests: number }> }>(
      '/api/metrics/summary?groupBy=release',
    );
    const releases = Object.fromEntries(byRelease.totals.map((t) => [t.group, t.requests]));
    expect(Object.keys(releases).sort()).toEqual(['0.1.0', '0.2.0']);
    expect(releases['0.2.0']).toBeGreaterThan(0);
    const unknown = await world.server.fetch('/api/metrics/summary?groupBy=team');
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toMatch(/groupBy/);

    const p = await pageAs();
    await p.goto(`${world.dashboard.url}/`);
    const requests = p.locator('figure.chart').filter({ hasText: 'Requests' }).first();
    await requests.waitFor();
    await p.getByLabel('Group by').selectOption('release');
    await p.waitForURL(/groupBy=release/);
    const legend = requests.locator('.legend-item');
    await poll(async () => (await legend.allTextContents()).sort()).toEqual(['0.1.0', '0.2.0']);
    await screenshot(p, 'overview-by-release');

    await p.getByLabel('Group by').selectOption('environment');
    await p.waitForURL(/groupBy=environment/);
    await poll(async () => (await legend.allTextContents()).sort()).toEqual(['e2e', 'staging']);
    // A reload keeps the grouping (it is in the URL).
    await p.reload();
    await poll(async () => (await requests.locator('.legend-item').allTextContents()).sort()).toEqual([
      'e2e',
      'staging',
    ]);
    expect(await p.getByLabel('Group by').inputValue()).toBe('environment');
    await p.context().close();
  });

  it('says how many traces match next to the pager, for the filters in use', async () => {
    const all = await world.server.json<{ total: number; totalCapped: boolean }>('/api/traces/count');
    expect(all.totalCapped).toBe(false);
    expect(all.total).toBe(world.traceIds.length + stagingTraceIds.length);
    const ofUser = await world.server.json<{ total: number }>('/api/traces/count?userId=user-cy');
    expect(ofUser.total).toBe(stagingTraceIds.length);

    const p = await pageAs();
    await p.goto(`${world.dashboard.url}/traces`);
    const pager = p.getByRole('navigation', { name: 'Pages' });
    await poll(() => pager.textContent()).toContain(`of ${formatCount(all.total)}`);
    expect(await p.locator('table[aria-label="Traces"] tbody tr').count()).toBe(all.total);
    await p.goto(`${world.dashboard.url}/traces?userId=user-cy`);
    await poll(() => pager.textContent()).toContain(
      `Traces 1–${stagingTraceIds.length} of ${formatCount(stagingTraceIds.length)}`,
    );
    await p.context().close();
  });

  it('draws every page of issue 13 at desktop and phone width without spilling sideways', async () => {
    const traceId = world.traceIds[0]!;
    const pages: Array<[string, string, string]> = [
      ['overview', '/?groupBy=release', 'figure.chart .legend-item:has-text("0.2.0")'],
      ['traces', '/traces', 'nav[aria-label="Pages"]:has-text(" of ")'],
      ['trace', `/traces/${traceId}`, '[role="treeitem"] .wf-usage'],
      ['sessions', '/sessions', 'table[aria-label="Sessions"] tbody tr'],
      ['session', '/sessions/session-1', 'ol[aria-label="Conversation"] > li'],
      ['users', '/end-users', 'table[aria-label="Users"] tbody tr'],
      ['user', '/end-users/user-ada', '.group-totals'],
    ];
    for (const width of [1280, 390]) {
      const p = await pageAs(width);
      for (const [name, path, drawn] of pages) {
        await p.goto(`${world.dashboard.url}${path}`);
        await p.locator(drawn).first().waitFor();
        // Every panel drawn, none still loading, before the picture is taken.
        await poll(() => p.locator('.spinner').count()).toBe(0);
        await screenshot(p, `issue13-${name}-${width}`);
        // Nothing wider than the viewport: a phone scrolls down, never sideways (tables scroll in their box).
        const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${name} at ${width}px`).toBeLessThanOrEqual(0);
        // A table that leaves columns out on phones leaves out the header and the cells alike.
        const columns = await p.evaluate(() =>
          [...document.querySelectorAll('table')].map((table) => {
            const shown = (cells: NodeListOf<Element> | undefined) =>
              [...(cells ?? [])].filter((c) => getComputedStyle(c).display !== 'none').length;
            return [
              shown(table.querySelectorAll('thead th')),
              shown(table.tBodies[0]?.rows[0]?.querySelectorAll('td')),
            ];
          }),
        );
        for (const [heads, cells] of columns) expect(cells, `${name} at ${width}px`).toBe(heads);
      }
      await p.context().close();
    }
    // The new tree columns and grouped charts in the dark theme too (the system's choice is followed).
    const dark = await pageAs(1280, 'dark');
    for (const [name, path, drawn] of pages.filter(([n]) => n === 'trace' || n === 'overview')) {
      await dark.goto(`${world.dashboard.url}${path}`);
      await dark.locator(drawn).first().waitFor();
      await poll(() => dark.locator('.spinner').count()).toBe(0);
      expect(await dark.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
      await screenshot(dark, `issue13-${name}-1280-dark`);
    }
    await dark.context().close();
  });
});
