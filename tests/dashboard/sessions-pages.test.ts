/**
 * Sessions and end users in Chromium against the real server: the lists show the API's totals, rows and ids
 * link through, the session page is the conversation in order, a hostile user id cannot reorder the page, an
 * unknown session says it was not found, and every page is screenshot at desktop and phone width.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { formatCost, formatCount } from '../../apps/dashboard/src/lib/format.js';
import { otlpProtobuf, simpleSpan } from '../support/otlp-payloads.js';
import { launchChromium, screenshot, signIn } from './support/browser.js';
import { ADMIN, VIEWER, World } from './support/world.js';

/** Polls a page value; a loaded machine can take seconds to render after a navigation. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 100 });

interface SessionRow {
  sessionId: string;
  traceCount: number;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  userIds: string[];
}

/** A user id that, shown raw, would display "evil.exe" as "exe.live" and reorder what follows it. */
const HOSTILE_USER = 'mallory\u202Eexe.live';

let world: World;
let browser: Browser;

beforeAll(async () => {
  world = await World.start();
  browser = await launchChromium();
  const span = simpleSpan({
    name: 'hostile turn',
    attributes: { 'user.id': HOSTILE_USER, 'session.id': 'session-rtl' },
  });
  const sent = await world.server.fetch('/v1/traces', {
    method: 'POST',
    body: otlpProtobuf([span]),
    headers: { 'content-type': 'application/x-protobuf' },
  });
  expect(sent.status).toBe(200);
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

describe('sessions and end users in Chromium', () => {
  it('lists sessions with the totals of the API, sorted, and opens one by its row', async () => {
    const api = await world.server.json<{ items: SessionRow[]; total: number }>('/api/sessions');
    const session = api.items.find((s) => s.sessionId === 'session-1')!;
    expect(session.traceCount).toBeGreaterThanOrEqual(2);
    const page = await pageAs(VIEWER);
    await page.getByRole('link', { name: 'Sessions', exact: true }).click();
    await page.waitForURL(/\/sessions$/);
    const table = page.getByRole('table', { name: 'Sessions' });
    const row = table
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name: 'session-1', exact: true }) });
    await row.waitFor();
    const cells = await row.getByRole('cell').allTextContents();
    // Session, Users, Last seen, Traces, Errors, Tokens, Cost, Duration
    expect(cells[3]).toBe(formatCount(session.traceCount));
    expect(cells[5]).toBe(formatCount((session.inputTokens ?? 0) + (session.outputTokens ?? 0)));
    expect(cells[6]).toBe(formatCost(session.costUsd));
    expect(cells[6]).not.toMatch(/^\$0\.0+$/);
    expect(await page.getByRole('navigation', { name: 'Pages' }).textContent()).toContain(
      `1–${api.items.length} of ${api.total}`,
    );
    await screenshot(page, 'sessions');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'sessions-phone');
    await page.setViewportSize({ width: 1360, height: 900 });

    await table.getByRole('button', { name: 'Traces' }).click();
    await page.waitForURL(/sort=traceCount/);
    await poll(() => table.getByRole('row').nth(1).getByRole('link').first().textContent()).toBe('session-1');

    // The row, not only its link, opens the session.
    await row.getByRole('cell').nth(3).click();
    await page.waitForURL(/\/sessions\/session-1$/);
    await page.getByRole('heading', { name: /Session session-1/ }).waitFor();
    const turns = page.getByRole('list', { name: 'Conversation' }).getByRole('listitem');
    await poll(() => turns.count()).toBe(session.traceCount);
    // The conversation: each turn's user message and reply, oldest first.
    await poll(() => page.locator('.bubble.role-user').count()).toBeGreaterThan(0);
    await poll(() => page.locator('.bubble.role-assistant').count()).toBeGreaterThan(0);
    const totals = page.getByRole('definition');
    expect(await totals.first().textContent()).toBe(formatCount(session.traceCount));
    await screenshot(page, 'session-conversation');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'session-conversation-phone');
    await page.context().close();
  });

  it('lists end users, opens one, and links their sessions and traces', async () => {
    const page = await pageAs(VIEWER);
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.waitForURL(/\/end-users$/);
    const table = page.getByRole('table', { name: 'Users' });
    await table.getByRole('link', { name: 'user-ada', exact: true }).waitFor();
    await table.getByRole('link', { name: 'user-bob', exact: true }).waitFor();
    await screenshot(page, 'end-users');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'end-users-phone');
    await page.setViewportSize({ width: 1360, height: 900 });

    await table.getByRole('link', { name: 'user-ada', exact: true }).click();
    await page.waitForURL(/\/end-users\/user-ada$/);
    await page.getByRole('heading', { name: /User user-ada/ }).waitFor();
    const sessions = page.getByRole('table', { name: 'Sessions of this user' });
    await sessions.getByRole('link', { name: 'session-1', exact: true }).waitFor();
    await screenshot(page, 'end-user');
    await page.getByRole('link', { name: 'Traces of this user' }).click();
    await page.waitForURL(/\/traces\?.*userId=user-ada/);
    // In the traces list, user and session ids are links too.
    await page
      .getByRole('table', { name: 'Traces' })
      .getByRole('link', { name: 'user-ada' })
      .first()
      .waitFor();
    await page
      .getByRole('table', { name: 'Traces' })
      .getByRole('link', { name: 'session-1' })
      .first()
      .click();
    await page.waitForURL(/\/sessions\/session-1$/);
    await page.context().close();
  });

  it('shows a hostile user id without its override character, isolated', async () => {
    const page = await pageAs(VIEWER);
    await page.goto(`${world.dashboard.url}/end-users`);
    const link = page.getByRole('table', { name: 'Users' }).getByRole('link', { name: /^mallory/ });
    await link.waitFor();
    expect(await link.textContent()).toBe('malloryexe.live');
    expect(await link.locator('bdi').count()).toBe(1);
    // The link still goes to the user as stored.
    await link.click();
    await page.getByRole('heading', { name: /User malloryexe\.live/ }).waitFor();
    expect(decodeURIComponent(new URL(page.url()).pathname)).toBe(`/end-users/${HOSTILE_USER}`);
    await page.context().close();
  });

  it('says an unknown session was not found, without offering to try again', async () => {
    const page = await pageAs(VIEWER);
    await page.goto(`${world.dashboard.url}/sessions/no-such-session`);
    await page.getByText('Not found').waitFor();
    await page.getByText('No traces carry this session id').waitFor();
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    await page.context().close();
  });

  it('names Driftwatch accounts "Team" for admins and sends the old /users address there', async () => {
    const page = await pageAs(ADMIN);
    await page.getByRole('link', { name: 'Team', exact: true }).waitFor();
    await page.goto(`${world.dashboard.url}/users`);
    await page.waitForURL(/\/team$/);
    await page.getByRole('heading', { name: /^Team/ }).waitFor();
    await page.context().close();
  });
});
