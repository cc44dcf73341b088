// Two processes running the notifier role on the same ClickHouse data (distributed mode): every recorded alert
// reaches the receiver once (no double message in the normal case), and when the notifier that is sending one is
// killed (SIGKILL) mid-send, the other sends it after the lease expires, with the same webhook-id: a duplicate id,
// never a lost alert. A problem both notifiers route is told once.
import type { ClickHouseClient } from '@clickhouse/client';
import { createServerClickHouse } from '@driftwatch/store-clickhouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { World } from '../dashboard/support/world.js';
import { type Call, HOUR, hourOfCalls, sendCalls } from '../detection/support.js';
import { ChdbHttpServer } from '../support/chdb-http-server.js';
import { DriftwatchServer } from '../support/driftwatch-server.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const ADMIN_PASSWORD = 'admin-password-for-two-notifiers';
const DATABASE = 'dw_two_notifiers';
const BASE = '/api/projects/default/alert-destinations';
const MESSAGES = 30;
let clickhouse: ChdbHttpServer;
let sql: ClickHouseClient;
let receiver: WebhookReceiver;
let api: DriftwatchServer;
const notifiers: DriftwatchServer[] = [];
/** The notifier the crash test killed. */
let killed: DriftwatchServer | undefined;
let admin: string;
let hookId: string;

const env = () => ({
  DRIFTWATCH_CLICKHOUSE_URL: clickhouse.url,
  DRIFTWATCH_DATABASE: DATABASE,
  DRIFTWATCH_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
  // Distributed processes share one key (none is generated without the embedded data directory).
  DRIFTWATCH_SECRET_KEY: 'a1'.repeat(32),
  DRIFTWATCH_ALERTS_ALLOWED_HOSTS: '127.0.0.1',
  DRIFTWATCH_ALERTS_POLL_MS: '100',
  DRIFTWATCH_ALERTS_LEASE_MS: '4000',
  DRIFTWATCH_ALERTS_TIMEOUT_MS: '2000',
  DRIFTWATCH_ALERTS_RETRY_BASE_MS: '200',
  DRIFTWATCH_ALERTS_PROBLEMS_INTERVAL_MS: '300',
});

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `timed out waiting for ${what}\n${notifiers.map((n) => n.output.join('')).join('\n---\n')}`,
  );
}

/** Which notifier processes took leases on a notification (claimants are "<host>-<pid>-<random>"). */
async function claimantPids(notificationId?: string): Promise<Set<number>> {
  const result = await sql.query({
    query: `SELECT DISTINCT claimant FROM ${DATABASE}.alert_leases
            WHERE project_id = 'default' ${notificationId ? 'AND notification_id = {id:String}' : ''}`,
    query_params: { id: notificationId ?? '' },
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ claimant: string }>();
  return new Set(rows.map((r) => Number(/-(\d+)-[0-9a-f]+$/.exec(r.claimant)![1])));
}

async function sendTest(): Promise<string> {
  const response = await World.call(api.url, admin, 'POST', `${BASE}/${hookId}/test`);
  expect(response.status).toBe(202);
  return ((await response.json()) as { notificationId: string }).notificationId;
}

beforeAll(async () => {
  clickhouse = await new ChdbHttpServer().start();
  sql = createServerClickHouse({ url: clickhouse.url, username: 'default', password: '' });
  receiver = await new WebhookReceiver().start();
  api = await DriftwatchServer.start({ env: { ...env(), DRIFTWATCH_ROLES: 'ingest,writer,api' } });
  admin = await World.login(api.url, { email: 'admin@localhost', password: ADMIN_PASSWORD });
  const created = await World.call(api.url, admin, 'POST', BASE, {
    name: 'hook',
    kind: 'webhook',
    url: receiver.url,
  });
  expect(created.status).toBe(201);
  const hook = (await created.json()) as { id: string; signingSecret: string };
  hookId = hook.id;
  receiver.setSecret(hook.signingSecret);
}, 180_000);

afterAll(async () => {
  for (const server of [...notifiers, api]) await server?.stop('SIGKILL');
  await receiver?.stop();
  await sql?.close();
  await clickhouse?.stop();
});

describe('two notifier processes on one ClickHouse', () => {
  it('send each recorded alert once, though both claim from the same outbox', async () => {
    // Recorded while no notifier runs (the api role sends nothing), then both start on the same backlog.
    const ids: string[] = [];
    for (let i = 0; i < MESSAGES; i++) ids.push(await sendTest());
    expect(receiver.received).toEqual([]);
    const notifier = () =>
      DriftwatchServer.start({ apiKey: api.apiKey, env: { ...env(), DRIFTWATCH_ROLES: 'notifier' } });
    notifiers.push(...(await Promise.all([notifier(), notifier()])));
    await waitFor('every alert acknowledged', () =>
      ids.every((id) => receiver.acknowledgedIds().includes(id)) ? true : undefined,
    );
    // Both go on polling every 100 ms; nothing is sent again.
    await new Promise((r) => setTimeout(r, 2_000));
    const received = receiver.received.map((r) => r.id);
    expect(received.sort()).toEqual([...ids].sort());
    expect(receiver.received.every((r) => r.verified && r.answered === 204)).toBe(true);
    // Both processes took part: the exclusion was between two notifiers, not one doing everything.
    expect(await claimantPids()).toEqual(new Set(notifiers.map((n) => n.pid)));
  });

  it('resend, with the same webhook-id, what a killed notifier was sending', async () => {
    receiver.holdNext();
    const id = await sendTest();
    await waitFor('the send in flight', () =>
      receiver.received.some((r) => r.id === id && r.answered === 'held') ? true : undefined,
    );
    const [holderPid] = [...(await claimantPids(id))];
    const holder = notifiers.find((n) => n.pid === holderPid)!;
    const survivor = notifiers.find((n) => n !== holder)!;
    expect(holder).toBeDefined();
    await holder.stop('SIGKILL');
    killed = holder;
    await waitFor('the resend by the other notifier', () =>
      receiver.acknowledgedIds().includes(id) ? true : undefined,
    );
    const copies = receiver.received.filter((r) => r.id === id);
    expect(copies.map((c) => [c.verified, c.answered])).toEqual([
      [true, 'held'],
      [true, 204],
    ]);
    expect(await claimantPids(id)).toEqual(new Set([holderPid, survivor.pid]));
  });

  it('tell a problem once when both route it', async () => {
    // Two live notifiers again: the killed one is replaced.
    notifiers.push(
      await DriftwatchServer.start({ apiKey: api.apiKey, env: { ...env(), DRIFTWATCH_ROLES: 'notifier' } }),
    );
    expect(notifiers.filter((n) => n !== killed)).toHaveLength(2);
    const call = (method: string, path: string, body?: unknown) =>
      World.call(api.url, admin, method, path, body);
    expect(
      (await call('POST', '/api/projects/default/alert-routes', { name: 'all', destinationIds: [hookId] }))
        .status,
    ).toBe(201);
    expect(
      (
        await call('PUT', '/api/projects/default/detectors', {
          windowMs: HOUR,
          baselineWindows: 3,
          dimensions: ['model'],
        })
      ).status,
    ).toBe(200);
    const T = Math.floor(Date.now() / HOUR) * HOUR - 48 * HOUR;
    const calls: Call[] = [];
    for (let h = 3; h >= 1; h--) calls.push(...hourOfCalls(T - h * HOUR, 'gpt-4o-mini', 80, 800, h));
    calls.push(...hourOfCalls(T, 'gpt-4o-mini', 80, 1600, 20));
    await sendCalls(api, calls);
    const run = await call('POST', '/api/detectors/run', {
      from: new Date(T).toISOString(),
      to: new Date(T + HOUR).toISOString(),
    });
    expect(run.status).toBe(200);
    const opened = () =>
      receiver.received.filter((r) => (r.payload as { type: string }).type === 'problem.opened');
    await waitFor('the problem at the receiver', () => (opened().length > 0 ? true : undefined));
    // Both notifiers go on routing every 300 ms: the problem is told once.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(opened().map((r) => [r.verified, r.answered])).toEqual([[true, 204]]);
  });
});
