// The network path to a real ClickHouse server process (Debian's clickhouse-server 18.16, started by
// scripts/engines/clickhouse.sh): connect, wrong password, server killed mid-stream and restarted, server down at
// start. The schema itself is tested on chDB (libs/store-clickhouse); this server is too old for it, so the tests
// write through the real ClickHouseSpanWriter into an 18.16-compatible subset of the spans table.
import type { ClickHouseClient } from '@clickhouse/client';
import { RetryableError, deadlineIn, isRetryable } from '@driftwatch/contracts';
import { spanRecord } from '@driftwatch/contract-tests';
import { BatchingWriter } from '@driftwatch/pipeline';
import { ClickHouseSpanWriter } from '@driftwatch/store-clickhouse';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CLICKHOUSE,
  DeliveryLedger,
  InsertProbe,
  createSpansTable,
  dropDatabase,
  ensureServerUp,
  harness,
  killServer,
  requireServer,
  serverClient,
  sleep,
  spanCounts,
  storedSpanIds,
  uniqueDatabase,
  waitFor,
} from './support-clickhouse.js';

const RETENTION_DAYS = 30;

describe(`ClickHouse server at ${CLICKHOUSE.url}`, () => {
  let admin: ClickHouseClient;
  const databases: string[] = [];
  const clients: ClickHouseClient[] = [];

  function client(options: { password?: string; quiet?: boolean } = {}): ClickHouseClient {
    const c = serverClient(options);
    clients.push(c);
    return c;
  }

  async function freshDatabase(): Promise<string> {
    const database = uniqueDatabase();
    databases.push(database);
    await createSpansTable(admin, database);
    return database;
  }

  let unreachable: unknown = null;

  beforeAll(async () => {
    admin = client();
    unreachable = await requireServer().then(
      () => null,
      (e: unknown) => e,
    );
  });

  beforeEach(() => {
    // Every test fails (none is skipped) when the server is not there.
    if (unreachable) throw unreachable;
  });

  afterEach(async () => {
    // A failed fault test must not leave the server down for the tests after it.
    if (!unreachable) await ensureServerUp();
  });

  afterAll(async () => {
    if (!unreachable) {
      await ensureServerUp();
      for (const database of databases) await dropDatabase(admin, database).catch(() => undefined);
    }
    await Promise.all(clients.map((c) => c.close()));
  });

  it('connects, pings, and reads back what the span writer inserted (retried inserts collapse)', async () => {
    expect(await admin.ping()).toEqual({ success: true });
    // /ping does not check credentials; a SELECT does.
    expect((await admin.ping({ select: true })).success).toBe(true);
    const version = await (
      await admin.query({ query: 'SELECT version() AS v', format: 'JSONEachRow' })
    ).json<{
      v: string;
    }>();
    expect(version[0]?.v).toMatch(/^\d+\.\d+/);

    const database = await freshDatabase();
    const writer = new ClickHouseSpanWriter(client(), { database, retentionDays: RETENTION_DAYS });
    const records = [spanRecord(), spanRecord({ llm: null, name: 'tool lookup', tags: ['a', 'b'] })];
    await writer.insert(records);
    await writer.insert(records); // a redelivered batch

    const result = await admin.query({
      query: `SELECT span_id, trace_id, name, start_time, duration_ns, is_llm, input_tokens, cost_usd, finish_reasons, tags
              FROM ${database}.spans FINAL ORDER BY name`,
      format: 'JSONEachRow',
    });
    const rows = await result.json<Record<string, unknown>>();
    expect(rows).toEqual([
      {
        span_id: records[0]?.spanId,
        trace_id: records[0]?.traceId,
        name: 'chat gpt-4o-mini',
        start_time: expect.stringMatching(/^\d{10}\.\d{9}$/),
        duration_ns: '250000000',
        is_llm: 1,
        input_tokens: 100,
        cost_usd: 0.000027,
        finish_reasons: ['stop'],
        tags: [],
      },
      {
        span_id: records[1]?.spanId,
        trace_id: records[1]?.traceId,
        name: 'tool lookup',
        start_time: expect.stringMatching(/^\d{10}\.\d{9}$/),
        duration_ns: '250000000',
        is_llm: 0,
        input_tokens: null,
        cost_usd: null,
        finish_reasons: [],
        tags: ['a', 'b'],
      },
    ]);
  });

  it('reports a wrong password as an error; the batching writer keeps retrying and never acks', async () => {
    const database = await freshDatabase();
    const wrong = client({ password: `${CLICKHOUSE.password}-wrong`, quiet: true });
    // The health check the span writer uses (/ping) cannot see bad credentials; only a query can.
    expect(await wrong.ping()).toEqual({ success: true });
    expect((await wrong.ping({ select: true })).success).toBe(false);

    const writer = new ClickHouseSpanWriter(wrong, { database, retentionDays: RETENTION_DAYS });
    const error = await writer.insert([spanRecord()]).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).toMatch(
      /insert of 1 spans failed: .*(password|authentication)/i,
    );
    // classifyClickHouseError today: an auth failure is retryable (code 193 WRONG_PASSWORD on 18.16, 516
    // AUTHENTICATION_FAILED on current servers; neither is in its permanent set). That is what we want: the spans
    // are fine, the configuration is not, and a permanent error would dead-letter good data.
    expect(error).toBeInstanceOf(RetryableError);
    expect(isRetryable(error)).toBe(true);

    // Through the batching writer: retried with backoff, never acked, never failed (so never dead-lettered).
    const probe = new InsertProbe(writer);
    const ledger = new DeliveryLedger(probe);
    const errors: unknown[] = [];
    const batching = new BatchingWriter(probe, {
      maxBatchRecords: 10,
      maxWaitMs: 10,
      retryDelayMs: { initial: 50, max: 200 },
      onError: (e) => errors.push(e),
    });
    batching.deliver(ledger.delivery([spanRecord(), spanRecord()]));
    await sleep(1_000);
    expect(ledger.acked.size).toBe(0);
    expect(ledger.failures).toEqual([]);
    expect(errors.length).toBeGreaterThanOrEqual(3);
    expect(errors.every(isRetryable)).toBe(true);
    expect((await spanCounts(admin, database)).rows).toBe(0);
    // Shutdown gives up on the deadline; the in-flight batch is then failed as retryable (redelivered, not lost).
    await batching.shutdown(deadlineIn(300));
    await waitFor(
      'the pending delivery to be failed after shutdown',
      () => ledger.failures.length === 1,
      5_000,
    );
    expect(isRetryable(ledger.failures[0]?.error)).toBe(true);
  });

  it('server SIGKILLed mid-stream and restarted: every delivery acked after its insert, each span stored once', async () => {
    const database = await freshDatabase();
    const probe = new InsertProbe(
      new ClickHouseSpanWriter(client({ quiet: true }), { database, retentionDays: RETENTION_DAYS }),
    );
    const ledger = new DeliveryLedger(probe);
    const errors: unknown[] = [];
    const batching = new BatchingWriter(probe, {
      maxBatchRecords: 200,
      maxWaitMs: 20,
      retryDelayMs: { initial: 100, max: 1_000 },
      onError: (e) => errors.push(e),
    });

    // A steady stream: 10 spans every 25 ms for about 9 s; the server dies at 2.5 s and is back at 6.5 s.
    const deliveries = 360;
    let killedAt = 0;
    let restartedAt = 0;
    let acksBeforeKill = 0;
    const faults = (async () => {
      await sleep(2_500);
      acksBeforeKill = ledger.acked.size;
      await killServer();
      killedAt = Date.now();
      await sleep(4_000);
      restartedAt = Date.now();
      await harness('start');
    })();
    for (let i = 0; i < deliveries; i++) {
      const trace = spanRecord().traceId;
      batching.deliver(ledger.delivery(Array.from({ length: 10 }, () => spanRecord({ traceId: trace }))));
      await sleep(25);
    }
    await faults;
    await waitFor('every delivery to be acked', () => ledger.acked.size === deliveries, 60_000);
    await batching.shutdown(deadlineIn(5_000));

    const counts = await spanCounts(admin, database);
    const stored = await storedSpanIds(admin, database);
    console.log(
      `[clickhouse kill] sent ${ledger.sent.size} spans in ${deliveries} deliveries; acked ${ledger.acked.size}; ` +
        `${acksBeforeKill} acked before the kill; ${errors.length} failed insert attempts (all retried); ` +
        `stored rows ${counts.rows}, after FINAL ${counts.final}, distinct span ids ${counts.unique}`,
    );

    expect(acksBeforeKill).toBeGreaterThan(0);
    expect(acksBeforeKill).toBeLessThan(deliveries);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every(isRetryable)).toBe(true);
    // Nothing acked while the server was dead (1 s of grace for answers already on the wire at the kill).
    expect(ledger.acksBetween(killedAt + 1_000, restartedAt)).toBe(0);
    expect(ledger.earlyAcks).toEqual([]);
    expect(ledger.doubleAcks).toEqual([]);
    expect(ledger.failures).toEqual([]);
    // Every span id exactly once (FINAL collapses a batch that committed but whose answer the kill cut off).
    expect(counts.final).toBe(ledger.sent.size);
    expect(counts.unique).toBe(ledger.sent.size);
    expect(counts.rows).toBeGreaterThanOrEqual(ledger.sent.size);
    expect([...ledger.sent].filter((id) => !stored.has(id))).toEqual([]);
  });

  it('server down at start: the writer retries with growing backoff and succeeds once it is up', async () => {
    const database = await freshDatabase();
    await harness('stop');
    const probe = new InsertProbe(
      new ClickHouseSpanWriter(client({ quiet: true }), { database, retentionDays: RETENTION_DAYS }),
    );
    const ledger = new DeliveryLedger(probe);
    const errorTimes: number[] = [];
    const errors: unknown[] = [];
    const batching = new BatchingWriter(probe, {
      maxBatchRecords: 100,
      maxWaitMs: 20,
      retryDelayMs: { initial: 100, max: 800 },
      onError: (e) => {
        errors.push(e);
        errorTimes.push(Date.now());
      },
    });
    for (let i = 0; i < 50; i++) batching.deliver(ledger.delivery([spanRecord(), spanRecord()]));
    await sleep(4_000);

    expect(ledger.acked.size).toBe(0);
    expect(ledger.failures).toEqual([]);
    expect(errors.every(isRetryable)).toBe(true);
    // 100, 200, 400, 800, 800 ... ms between attempts: at least 5 attempts in 4 s, far fewer than a busy loop.
    expect(errors.length).toBeGreaterThanOrEqual(5);
    expect(errors.length).toBeLessThanOrEqual(12);
    const gaps = errorTimes.slice(1).map((t, i) => t - (errorTimes[i] ?? t));
    expect(gaps[0]).toBeGreaterThanOrEqual(90);
    expect(gaps[2]).toBeGreaterThanOrEqual(350);
    expect(Math.max(...gaps)).toBeLessThan(800 + 500);

    await harness('start');
    await waitFor('every delivery to be acked', () => ledger.acked.size === ledger.count, 30_000);
    await batching.shutdown(deadlineIn(5_000));

    const counts = await spanCounts(admin, database);
    console.log(
      `[clickhouse down at start] ${errors.length} failed attempts, gaps ${gaps.join('/')} ms; ` +
        `sent ${ledger.sent.size}, acked deliveries ${ledger.acked.size}/${ledger.count}, stored ${counts.final}`,
    );
    expect(ledger.earlyAcks).toEqual([]);
    expect(ledger.failures).toEqual([]);
    expect(counts).toEqual({ rows: ledger.sent.size, final: ledger.sent.size, unique: ledger.sent.size });
  });
});
