/**
 * /readyz tells the truth in distributed mode: with the broker stopped, the ingest process and the writer
 * process answer 503 with the reason (so a Service stops sending them traffic), and 200 again once it is back;
 * every span acknowledged with a 200 before, during and after the outage is stored.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DriftwatchServer } from '../support/driftwatch-server.js';
import { otlpProtobuf, simpleSpan, type SimpleSpan } from '../support/otlp-payloads.js';
import { eventually, unique } from './kafka-broker.js';

// A broker of its own (other ports, a throwaway data dir), so stopping it disturbs no other test.
const harness = join(import.meta.dirname, '../../scripts/engines/kafka.sh');
const port = Number(process.env.KAFKA_READINESS_TEST_PORT ?? 19292);
const dataDir = mkdtempSync(join(tmpdir(), 'driftwatch-kafka-readiness-'));
const brokerEnv = {
  ...process.env,
  KAFKA_PORT: String(port),
  KAFKA_CONTROLLER_PORT: String(port + 1),
  KAFKA_DATA_DIR: dataDir,
};
const run = promisify(execFile);
const broker = (command: 'start' | 'stop') =>
  run('bash', [harness, command], { env: brokerEnv, timeout: 170_000 });

const servers: DriftwatchServer[] = [];
beforeAll(() => broker('start'), 180_000);
afterAll(async () => {
  for (const s of servers) await s.stop('SIGKILL');
  await broker('stop');
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

interface ReadyBody {
  status: string;
  reason?: string;
  checks: Record<string, { ready: boolean; reason?: string }>;
}

async function readyz(server: DriftwatchServer): Promise<{ status: number; body: ReadyBody }> {
  const response = await server.fetch('/readyz', {}, null);
  return { status: response.status, body: (await response.json()) as ReadyBody };
}

async function send(server: DriftwatchServer, spans: SimpleSpan[]): Promise<Response> {
  return server.fetch('/v1/traces', {
    method: 'POST',
    body: otlpProtobuf(spans),
    headers: { 'content-type': 'application/x-protobuf' },
  });
}

async function storedSpanIds(server: DriftwatchServer, traceIds: string[], expected: number) {
  let ids: string[] = [];
  await eventually(async () => {
    ids = [];
    for (const traceId of traceIds) {
      const response = await server.fetch(`/api/traces/${traceId}`);
      if (response.status !== 200) continue;
      const trace = (await response.json()) as { spans: Array<{ spanId: string }> };
      ids.push(...trace.spans.map((s) => s.spanId));
    }
    return ids.length >= expected ? true : undefined;
  }, 90_000).catch(() => undefined);
  return ids.sort();
}

it('ingest and writer answer /readyz 503 with the reason while the broker is down, 200 once it is back', async () => {
  const env = {
    DRIFTWATCH_QUEUE: 'kafka',
    DRIFTWATCH_KAFKA_BROKERS: `localhost:${port}`,
    DRIFTWATCH_KAFKA_TOPIC: unique('readiness-spans'),
    DRIFTWATCH_KAFKA_GROUP: unique('readiness-writer'),
    DRIFTWATCH_KAFKA_PARTITIONS: '2',
  };
  const ingest = await DriftwatchServer.start({ env: { ...env, DRIFTWATCH_ROLES: 'ingest' } });
  servers.push(ingest);
  const writer = await DriftwatchServer.start({
    env: { ...env, DRIFTWATCH_ROLES: 'writer,api' },
    apiKey: ingest.apiKey,
  });
  servers.push(writer);
  expect((await readyz(ingest)).body.checks.queue?.ready).toBe(true);
  expect((await readyz(writer)).body.checks.writer?.ready).toBe(true);

  const acked: SimpleSpan[] = [];
  const sendBatch = async () => {
    const batch = Array.from({ length: 10 }, () => simpleSpan());
    const response = await send(ingest, batch);
    if (response.status === 200) acked.push(...batch);
    return response;
  };
  expect((await sendBatch()).status).toBe(200);

  await broker('stop');
  const stoppedAt = Date.now();
  for (const server of [ingest, writer]) {
    const down = await eventually(async () => {
      const r = await readyz(server);
      return r.status === 503 ? r : undefined;
    }, 30_000);
    expect(down.body.status).toBe('not ready');
    expect(down.body.checks.queue?.ready).toBe(false);
    expect(down.body.reason).toMatch(new RegExp(`queue: Kafka brokers localhost:${port} unreachable`));
  }
  console.log(`[kafka-readiness] both /readyz answered 503 ${Date.now() - stoppedAt} ms after the stop`);
  // While it is down an export is refused (never a 200 the brokers did not acknowledge), asking for a retry.
  const sentAt = Date.now();
  const refused = await sendBatch();
  console.log(
    `[kafka-readiness] export during the outage: ${refused.status} after ${Date.now() - sentAt} ms`,
  );
  expect(refused.status).toBe(503);
  expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);

  await broker('start');
  for (const server of [ingest, writer]) {
    await eventually(async () => ((await readyz(server)).status === 200 ? true : undefined), 90_000);
  }
  expect((await sendBatch()).status).toBe(200);

  const traceIds = [...new Set(acked.map((s) => s.traceId))];
  expect(acked).toHaveLength(20);
  expect(await storedSpanIds(writer, traceIds, acked.length)).toEqual(acked.map((s) => s.spanId).sort());
}, 300_000);
