import { topicListSchema, topicMapSchema, topicCallListSchema } from '@driftwatch/api-schema';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriftwatchServer } from '../support/driftwatch-server.js';
import { eventually } from '../support/eventually.js';
import { formatPercent } from '../../apps/dashboard/src/lib/format.js';
import { otlpJson, type SimpleSpan } from '../support/otlp-payloads.js';
import { loadIntents, questionSpan } from '../topics/intents.js';
import { DashboardApp } from './support/dashboard-app.js';
import { launchChromium, screenshot, signIn } from './support/browser.js';

/** The machine is shared: pages wait on a busy server (a guard only, not a speed assertion). */
const POLL = { timeout: 30_000 };
/** Embedding and the first fit on a shared 2-core machine (a guard, not a speed assertion). */
const FIT_GUARD_MS = 300_000;
const ADMIN = { email: 'admin@localhost', password: 'admin-password-for-topics-page' };

describe('Topics page in Chromium', () => {
  let server: DriftwatchServer;
  let dashboard: DashboardApp;
  let browser: Browser;
  let page: Page;
  const data = loadIntents(50);
  const offTopic = data.offTopic.map((question) => questionSpan(question));

  beforeAll(async () => {
    server = await DriftwatchServer.start({
      env: {
        DRIFTWATCH_EMBEDDINGS: 'local',
        DRIFTWATCH_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
        DRIFTWATCH_TOPICS_CHECK_MS: '1000',
        DRIFTWATCH_SHUTDOWN_TIMEOUT_MS: '5000',
      },
    });
    const send = async (spans: SimpleSpan[]) => {
      const response = await server.fetch('/v1/traces', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: otlpJson(spans),
      });
      expect(response.status).toBe(200);
    };
    const spans = [...data.intents.values()].flatMap((texts) =>
      texts.slice(0, 50).map((question) => questionSpan(question)),
    );
    spans.sort((a, b) => (a.spanId < b.spanId ? -1 : 1));
    for (let i = 0; i < spans.length; i += 50) await send(spans.slice(i, i + 50));
    await eventually(
      async () => topicListSchema.parse(await server.json('/api/topics')),
      (l) => l.model !== null && l.totalCalls >= spans.length,
      FIT_GUARD_MS,
    );
    await send(offTopic);
    await eventually(
      async () => topicCallListSchema.parse(await server.json('/api/topics/novel')),
      (n) => n.items.length >= 3,
      FIT_GUARD_MS,
    );
    dashboard = await DashboardApp.start(server.url);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    page = await context.newPage();
    await signIn(page, dashboard.url, ADMIN.email, ADMIN.password);
  }, 480_000);

  afterAll(async () => {
    await browser?.close();
    await dashboard?.stop();
    await server?.stop();
  });

  it('lists the topics with terms and share lines, maps the sample and lists novel requests', async () => {
    const api = topicListSchema.parse(await server.json('/api/topics'));
    const map = topicMapSchema.parse(await server.json('/api/topics/map'));
    await page.goto(`${dashboard.url}/topics`);
    const rows = page.locator('table[aria-label="Topics"] tbody tr');
    await expect.poll(() => rows.count(), POLL).toBe(api.topics.length);
    for (const topic of api.topics) {
      const row = page.locator(`tr[data-topic="${topic.id}"]`);
      expect(await row.getByRole('link', { name: topic.label }).count()).toBe(1);
      expect(await row.locator('.terms').textContent()).toContain(topic.terms[0]!.term);
      expect(await row.getByRole('img', { name: new RegExp(`^${topic.label}: share`) }).count()).toBe(1);
    }
    expect(await page.locator('[data-stat="topics"] dd').textContent()).toBe(String(api.topics.length));
    const points = page.locator('.map-point');
    await expect.poll(() => points.count(), POLL).toBe(map.points.length);
    // Hovering a dot shows its request.
    // The last dot is drawn last: nothing covers it.
    const last = map.points[map.points.length - 1]!;
    await page.locator(`.map-point[data-trace="${last.traceId}"]`).hover();
    await expect.poll(() => page.locator('.map-tip').textContent(), POLL).toContain(last.text.slice(0, 30));
    const novel = page.getByRole('region', { name: 'Novel requests' });
    await expect.poll(() => novel.textContent(), POLL).toContain(data.offTopic[0]!.slice(0, 25));
    await screenshot(page, 'topics');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'topics-phone');
    await page.setViewportSize({ width: 1360, height: 900 });

    // A click on a dot opens its trace, with similar calls from the vector index.
    await page.mouse.move(0, 0);
    await page.locator(`.map-point[data-trace="${last.traceId}"]`).click({ force: true });
    await page.waitForURL(new RegExp(`/traces/${last.traceId}$`));
    const similar = page.getByRole('list', { name: 'Similar calls' });
    await expect.poll(() => similar.getByRole('link').count(), POLL).toBeGreaterThan(0);
    await screenshot(page, 'trace-similar');
  });

  it("filters the traces list by topic and shows each trace's topic", async () => {
    const api = topicListSchema.parse(await server.json('/api/topics'));
    const topic = api.topics[0]!;
    await page.goto(`${dashboard.url}/traces`);
    const rows = page.locator('table[aria-label="Traces"] tbody tr');
    await rows.first().waitFor();
    await page.getByLabel('Topic').selectOption(topic.id);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(new RegExp(`topicId=${topic.id}`));
    // The table shows the filtered page once it loaded: only this topic's traces, all of them (up to a page).
    await expect
      .poll(async () => [...new Set(await rows.locator('.topic-chip').allTextContents())], POLL)
      .toEqual([topic.label]);
    expect(await rows.count()).toBe(Math.min(50, topic.calls));
    await screenshot(page, 'traces-by-topic');

    await page.goto(`${dashboard.url}/topics/${topic.id}`);
    await page.getByRole('heading', { name: 'Most typical requests' }).waitFor();
    const byModel = page.getByRole('region', { name: 'By model' });
    expect(await byModel.textContent()).toContain('gpt-4o-mini');
    expect(await byModel.textContent()).toContain(formatPercent(1)); // one model serves every request here
    await screenshot(page, 'topic-detail');
  });
});
