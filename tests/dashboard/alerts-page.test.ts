import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { launchChromium, screenshot, signIn } from './support/browser.js';
import { ADMIN, VIEWER, World } from './support/world.js';

let world: World;
let browser: Browser;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await new WebhookReceiver().start();
  world = await World.start({
    DRIFTWATCH_ALERTS_ALLOWED_HOSTS: '127.0.0.1',
    DRIFTWATCH_ALERTS_POLL_MS: '200',
  });
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await world?.stop();
  await receiver?.stop();
});

async function pageAs(who: { email: string; password: string }): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  await signIn(page, world.dashboard.url, who.email, who.password);
  return page;
}

async function waitFor<T>(what: string, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('alerts page in Chromium', () => {
  it('adds a signed webhook, sends a test that the receiver verifies, shows the delivery, disables it', async () => {
    const page = await pageAs(ADMIN);
    await page.goto(`${world.dashboard.url}/alerts`);
    const form = page.getByRole('form', { name: 'Add a destination' });
    await form.getByLabel('Name').fill('on-call hook');
    await form.getByLabel('Kind').selectOption('webhook');
    await form.getByLabel('URL').fill(receiver.url);
    await form.getByRole('button', { name: 'Add destination' }).click();
    const secret = (await page.getByTestId('new-signing-secret').textContent())!.trim();
    expect(secret).toMatch(/^whsec_/);
    receiver.setSecret(secret);

    const row = page.getByRole('table', { name: 'Destinations' }).getByRole('row', { name: /on-call hook/ });
    await row.getByRole('button', { name: 'Send test' }).click();
    const test = await waitFor('the test message', () => receiver.received.find((r) => r.verified));
    expect(test.payload).toMatchObject({ type: 'test' });
    await page.getByText(`Test message ${test.id} recorded`).waitFor();

    // The delivery log shows the try once the notifier has recorded it (sent first, logged right after).
    await row.getByRole('button', { name: 'Deliveries' }).click();
    const log = page.getByRole('table', { name: 'Deliveries to on-call hook' });
    for (let i = 0; i < 100 && (await log.getByRole('cell', { name: test.id }).count()) === 0; i++) {
      await page.getByRole('button', { name: 'Refresh log' }).click();
      await page.waitForTimeout(200);
    }
    await expect(
      log
        .getByRole('row', { name: new RegExp(test.id) })
        .getByText('delivered')
        .count(),
    ).resolves.toBe(1);

    await row.getByRole('button', { name: 'Disable' }).click();
    await row.getByText('disabled').waitFor();
    const listed = await world.server.json<{ items: Array<{ name: string; enabled: boolean }> }>(
      '/api/projects/default/alert-destinations',
    );
    expect(listed.items).toContainEqual(expect.objectContaining({ name: 'on-call hook', enabled: false }));
    await row.getByRole('button', { name: 'Enable' }).click();
    await row.getByText('enabled').waitFor();

    const routes = page.getByRole('form', { name: 'Add a problem route' });
    await routes.getByLabel('Name').fill('latency to on-call');
    await routes.getByLabel('Latency').check();
    await routes.getByLabel('Severity at least').fill('30');
    await routes.getByLabel('Only the slice').selectOption('model');
    await routes.getByLabel('Value').fill('gpt-4o-mini');
    await routes.getByLabel('Remind every (min, 0: never)').fill('5');
    await routes.getByLabel('on-call hook').check();
    await routes.getByRole('button', { name: 'Add route' }).click();
    // 5 minutes is under the 15-minute floor: the API's message is shown and nothing is added.
    await page
      .getByRole('alert')
      .getByText(/at most every 15 minutes/)
      .waitFor();
    await routes.getByLabel('Remind every (min, 0: never)').fill('60');
    await routes.getByRole('button', { name: 'Add route' }).click();
    await page
      .getByRole('table', { name: 'Problem routes' })
      .getByText('latency · severity ≥ 30 · model = gpt-4o-mini · reminders every 60 min')
      .waitFor();

    const rules = page.getByRole('form', { name: 'Add a metric rule' });
    await rules.getByLabel('Name').fill('checkout errors');
    await rules.getByLabel('Metric').selectOption('error_rate');
    await rules.getByLabel('Above').fill('5');
    await rules.getByLabel('Window (min)').fill('10');
    await rules.getByLabel('Quiet after resolving (min)').fill('30');
    await rules.getByLabel('on-call hook').check();
    await rules.getByRole('button', { name: 'Add rule' }).click();
    // An error rate is a fraction: the API's message is shown and nothing is added.
    await page
      .getByRole('alert')
      .getByText(/fraction from 0 to 1/)
      .waitFor();
    await rules.getByLabel('Above').fill('0.05');
    await rules.getByRole('button', { name: 'Add rule' }).click();
    const ruleRow = page
      .getByRole('table', { name: 'Metric rules' })
      .getByRole('row', { name: /checkout errors/ });
    await ruleRow.getByText('error_rate > 0.05 over 10 min; quiet 30 min after resolving').waitFor();
    expect(await ruleRow.getByText('on-call hook').count()).toBe(1);
    await screenshot(page, 'alerts');
    await page.context().close();
  });

  it('lets a viewer read the alert settings but shows no forms, and the API refuses changes', async () => {
    const page = await pageAs(VIEWER);
    await page.goto(`${world.dashboard.url}/alerts`);
    await page.getByRole('table', { name: 'Destinations' }).getByText('on-call hook').waitFor();
    await page.getByText('only admins can change them').waitFor();
    expect(await page.getByRole('form').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Send test' }).count()).toBe(0);
    const status = await page.evaluate(async () => {
      const response = await fetch('/api/projects/default/alert-routes', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'sneaky', destinationIds: [] }),
      });
      return response.status;
    });
    expect(status).toBe(403);
    await screenshot(page, 'alerts-viewer');
    await page.context().close();
  });
});
