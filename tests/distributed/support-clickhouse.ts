import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Deadline, QueueDelivery, SpanRecord, SpanWriter } from '@driftwatch/contracts';
import { createServerClickHouse } from '@driftwatch/store-clickhouse';

const run = promisify(execFile);
const HARNESS = resolve(import.meta.dirname, '..', '..', 'scripts', 'engines', 'clickhouse.sh');

/** Where the real server is (the one scripts/engines/clickhouse.sh starts; .ci/run exports these). */
export const CLICKHOUSE = {
  url: process.env['CLICKHOUSE_URL'] ?? 'http://127.0.0.1:18123',
  user: process.env['CLICKHOUSE_USER'] ?? 'driftwatch',
  password: process.env['CLICKHOUSE_PASSWORD'] ?? 'driftwatch-test',
};

const httpPort = new URL(CLICKHOUSE.url).port || '8123';

/** Runs the harness with the same port and credentials as the test, so a restart serves the same user. */
export async function harness(command: 'start' | 'stop' | 'status' | 'pid'): Promise<string> {
  const { stdout } = await run('bash', [HARNESS, command], {
    env: {
      ...process.env,
      CLICKHOUSE_HTTP_PORT: httpPort,
      CLICKHOUSE_USER: CLICKHOUSE.user,
      CLICKHOUSE_PASSWORD: CLICKHOUSE.password,
    },
    timeout: 90_000,
  });
  return stdout.trim();
}

export async function answersPing(): Promise<boolean> {
  try {
    const response = await fetch(new URL('/ping', CLICKHOUSE.url), { signal: AbortSignal.timeout(2_000) });
    return response.ok && (await response.text()).trim() === 'Ok.';
  } catch {
    return false;
  }
}

/** Fails (never skips) when the server is not there, and says how to start it. */
export async function requireServer(): Promise<void> {
  if (await answersPing()) return;
  throw new Error(
    `No ClickHouse server answers ${CLICKHOUSE.url}/ping. These tests need the real server process: ` +
      `bash scripts/engines/clickhouse.sh install && bash scripts/engines/clickhouse.sh start ` +
      `(or set CLICKHOUSE_URL, CLICKHOUSE_USER, CLICKHOUSE_PASSWORD to a server the harness started).`,
  );
}

/** The pid of the server the harness started; the kill tests need it to SIGKILL the real process. */
export async function serverPid(): Promise<number> {
  let out = '';
  try {
    out = await harness('pid');
  } catch {
    // exit status 1: no live server recorded in the harness pid file
  }
  const pid = Number(out);
  if (!Number.isInteger(pid) || pid <= 0) {
    throw new Error(
      `The server at ${CLICKHOUSE.url} answers, but scripts/engines/clickhouse.sh has no pid for it: ` +
        `start it through the harness (same CLICKHOUSE_RUN_DIR) so the test can kill and restart it.`,
    );
  }
  return pid;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGKILL to the server process (no shutdown of any kind), then waits until it is gone. */
export async function killServer(): Promise<number> {
  const pid = await serverPid();
  process.kill(pid, 'SIGKILL');
  const deadline = Date.now() + 10_000;
  while (alive(pid)) {
    if (Date.now() > deadline) throw new Error(`pid ${pid} still alive 10 s after SIGKILL`);
    await sleep(50);
  }
  return pid;
}

/** Starts the server again if a test left it down (same run directory, so the same data). */
export async function ensureServerUp(): Promise<void> {
  if (!(await answersPing())) await harness('start');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function waitFor(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * A client from the real factory. The span writer sends every SpanRow column; the 18.16 test table has only
 * a subset, so input_format_skip_unknown_fields=1 goes in as a URL parameter (@clickhouse/client reads
 * ch_* parameters as settings), since createServerClickHouse takes no settings of its own.
 */
export function serverClient(options: { password?: string; quiet?: boolean } = {}): ClickHouseClient {
  const url = new URL(CLICKHOUSE.url);
  url.searchParams.set('ch_input_format_skip_unknown_fields', '1');
  // The retry loops would print one client error log per failed attempt; the tests collect them instead.
  if (options.quiet) url.searchParams.set('log_level', 'OFF');
  return createServerClickHouse({
    url: url.toString(),
    username: CLICKHOUSE.user,
    password: options.password ?? CLICKHOUSE.password,
    requestTimeoutMs: 5_000,
  });
}

export function uniqueDatabase(): string {
  return `dw_net_${Date.now()}_${randomBytes(3).toString('hex')}`;
}

/**
 * An 18.16-compatible subset of {db}.spans (no DateTime64, Map, LowCardinality, TTL; times stay as text).
 * ReplacingMergeTree on the span key, read with FINAL, is the same idempotency the real schema relies on:
 * an insert that committed on the server but whose answer was lost is retried, and FINAL collapses the copy.
 */
export async function createSpansTable(admin: ClickHouseClient, database: string): Promise<void> {
  await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
  await admin.command({
    query: `CREATE TABLE IF NOT EXISTS ${database}.spans (
      project_id String,
      start_time String,
      trace_id String,
      span_id String,
      parent_span_id String,
      name String,
      kind String,
      status String,
      service_name String,
      duration_ns UInt64,
      is_llm UInt8,
      request_model String,
      input_tokens Nullable(UInt32),
      output_tokens Nullable(UInt32),
      cost_usd Nullable(Float64),
      finish_reasons Array(String),
      tags Array(String),
      environment String
    ) ENGINE = ReplacingMergeTree ORDER BY (project_id, trace_id, span_id)`,
  });
}

export async function dropDatabase(admin: ClickHouseClient, database: string): Promise<void> {
  await admin.command({ query: `DROP DATABASE IF EXISTS ${database}` });
}

export async function spanCounts(
  admin: ClickHouseClient,
  database: string,
): Promise<{ rows: number; final: number; unique: number }> {
  const result = await admin.query({
    query: `SELECT
      (SELECT count() FROM ${database}.spans) AS rows,
      (SELECT count() FROM ${database}.spans FINAL) AS final,
      (SELECT uniqExact(span_id) FROM ${database}.spans FINAL) AS unique`,
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ rows: string; final: string; unique: string }>();
  return { rows: Number(row?.rows), final: Number(row?.final), unique: Number(row?.unique) };
}

export async function storedSpanIds(admin: ClickHouseClient, database: string): Promise<Set<string>> {
  const result = await admin.query({ query: `SELECT span_id FROM ${database}.spans`, format: 'JSONEachRow' });
  return new Set((await result.json<{ span_id: string }>()).map((r) => r.span_id));
}

/**
 * Passes inserts to the real writer and remembers which span ids an insert has succeeded for, so an ack can be
 * checked against it: an ack for a span whose insert has not returned successfully is a violation.
 */
export class InsertProbe implements SpanWriter {
  readonly stored = new Set<string>();
  attempts = 0;

  constructor(private readonly inner: SpanWriter) {}

  async insert(records: readonly SpanRecord[]): Promise<void> {
    this.attempts += 1;
    await this.inner.insert(records);
    for (const r of records) this.stored.add(r.spanId);
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  isReady(): Promise<boolean> {
    return this.inner.isReady();
  }

  shutdown(deadline: Deadline): Promise<void> {
    return this.inner.shutdown(deadline);
  }
}

/** Deliveries as a queue would hand them over, with their acks and failures recorded and checked. */
export class DeliveryLedger {
  readonly sent = new Set<string>();
  readonly acked = new Set<number>();
  readonly ackTimes: number[] = [];
  readonly doubleAcks: number[] = [];
  readonly earlyAcks: string[] = [];
  readonly failures: { id: number; error: unknown }[] = [];
  private next = 0;

  constructor(private readonly probe: InsertProbe) {}

  delivery(records: readonly SpanRecord[]): QueueDelivery {
    const id = this.next++;
    for (const r of records) this.sent.add(r.spanId);
    return {
      records,
      ack: () => {
        if (this.acked.has(id)) this.doubleAcks.push(id);
        for (const r of records) if (!this.probe.stored.has(r.spanId)) this.earlyAcks.push(r.spanId);
        this.acked.add(id);
        this.ackTimes.push(Date.now());
      },
      fail: (error: unknown) => this.failures.push({ id, error }),
    };
  }

  get count(): number {
    return this.next;
  }

  acksBetween(fromMs: number, toMs: number): number {
    return this.ackTimes.filter((t) => t >= fromMs && t <= toMs).length;
  }
}
