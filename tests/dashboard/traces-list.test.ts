/**
 * The traces list in Chromium against the real server: previous and next pages with the rows shown and the total
 * of the filters, and a click anywhere on a row opens its trace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { otlpProtobuf, simpleSpan } from '../support/otlp-payloads.js';
import { launchChromium, screenshot, signIn } from './support/browser.js';
import { VIEWER, World } from './support/world.js';

/** Polls a page value; a loaded machine can take seconds to render after a navigation. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 100 });

let world: World;
let browser: Browser;

beforeAll(async () => {
  world = await World.start();
  browser = await launchChromium();
  // 120 more single-span traces, a millisecond apart: three pages of 50 with the client traces.
  const now = BigInt(Date.now() - 60_000) * 1_000_000n;
  const spans = Array.from({ length: 120 }, (_, i) =>
    simpleSpan({
      name: `batch ${i}`,
      startNs: now + BigInt(i) * 1_000_000n,
      endNs: now + BigInt(i + 1) * 1_000_000n,
    }),
  );
  const sent = await world.server.fetch('/v1/traces', {
    method: 'POST',
    body: otlpProtobuf(spans),
    headers: { 'content-type': 'application/x-protobuf' },
  });
  expect(sent.status).toBe(200);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await world?.stop();
});

describe('traces list in Chromium', () => {
  it('pages forward and back with the rows shown, and opens a trace from anywhere on its row', async () => {
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const page = await context.newPage();
    await signIn(page, world.dashboard.url, VIEWER.email, VIEWER.password);
    await page.goto(`${world.dashboard.url}/traces`);
    const pager = page.getByRole('navigation', { name: 'Pages' });
    const table = page.getByRole('table', { name: 'Traces' });
    await table.waitFor();
    // The client traces of the world and the 120 sent here.
    const total = 120 + world.traceIds.length;
    await poll(() => pager.textContent()).toContain(`Traces 1–50 of ${total}`);
    expect(await pager.getByRole('button', { name: 'Previous page' }).isDisabled()).toBe(true);
    const firstName = () => table.getByRole('row').nth(1).getByRole('link').first().textContent();
    const firstOfPage1 = await firstName();
    const seen = new Set([firstOfPage1]);
    /** Waits for a page whose first row is new (the label alone changes before the rows arrive). */
    async function nextPage(label: string | RegExp) {
      await pager.getByRole('button', { name: 'Next page' }).click();
      await poll(async () => !seen.has(await firstName())).toBe(true);
      seen.add(await firstName());
      // The total comes after the rows (it is counted once they are in).
      if (typeof label === 'string') await poll(() => pager.textContent()).toContain(label);
      else await poll(() => pager.textContent()).toMatch(label);
    }

    await nextPage(`Traces 51–100 of ${total}`);
    const firstOfPage2 = await firstName();
    await nextPage(`Traces 101–${total} of ${total}`);
    await screenshot(page, 'traces-page-3');
    await pager.getByRole('button', { name: 'Previous page' }).click();
    await poll(() => firstName()).toBe(firstOfPage2);
    await poll(() => pager.textContent()).toContain(`Traces 51–100 of ${total}`);
    await pager.getByRole('button', { name: 'Previous page' }).click();
    await poll(() => pager.textContent()).toContain(`Traces 1–50 of ${total}`);
    await poll(() => table.getByRole('row').nth(1).getByRole('link').first().textContent()).toBe(
      firstOfPage1,
    );

    // A click on the duration cell, not the name link, opens the trace.
    await table.getByRole('row').nth(1).getByRole('cell').nth(4).click();
    await page.waitForURL(/\/traces\/[0-9a-f]{32}$/);
    await context.close();
  });
});
