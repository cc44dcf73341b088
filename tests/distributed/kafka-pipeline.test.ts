/**
 * OTLP -> Kafka -> writer -> ClickHouse engine -> REST API, on the real broker, with the server configured
 * DRIFTWATCH_QUEUE=kafka: a 200 means "held by the brokers", and every acknowledged span must become
 * queryable exactly once, also when the process is killed with SIGKILL in the middle of the stream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriftwatchServer } from '../support/driftwatch-server.js';
import { otlpProtobuf, simpleSpan, type SimpleSpan } from '../support/otlp-payloads.js';
import { DLQ_REASON_HEADER } from '@driftwatch/queue-kafka';
import { header, KAFKA_BOOTSTRAP, produceRaw, readTopic, requireBroker, unique } from './kafka-broker.js';

const servers: DriftwatchServer[] = [];
beforeAll(requireBroker);
afterAll(async () => {
  for (const s of servers) await s.stop('SIGKILL');
});

function kafkaEnv(topic = unique('it-spans'), group = unique('it-writer')): Record<string, string> {
  return {
    DRIFTWATCH_QUEUE: 'kafka',
    DRIFTWATCH_KAFKA_BROKERS: KAFKA_BOOTSTRAP,
    DRIFTWATCH_KAFKA_TOPIC: topic,
    DRIFTWATCH_KAFKA_GROUP: group,
    DRIFTWATCH_KAFKA_PARTITIONS: '4',
  };
}

function kafkaServer(env: Record<string, string> = kafkaEnv(), apiKey?: string): Promise<DriftwatchServer> {
  return DriftwatchServer.start({ env, ...(apiKey ? { apiKey } : {}) }).then((s) => (servers.push(s), s));
}

async function send(server: DriftwatchServer, spans: SimpleSpan[]): Promise<number> {
  try {
    const response = await server.fetch('/v1/traces', {
      method: 'POST',
      body: otlpProtobuf(spans),
      headers: { 'content-type': 'application/x-protobuf' },
    });
    return response.status;
  } catch {
    return 0; // connection reset by the kill: not acknowledged
  }
}

/** Span ids the API shows for these traces, waiting until `expected` are there or the time is up. */
async function storedSpanIds(
  server: DriftwatchServer,
  traceIds: string[],
  expected: number,
): Promise<string[]> {
  const deadline = Date.now() + 60_000;
  let ids: string[] = [];
  while (Date.now() < deadline) {
    ids = [];
    for (const traceId of traceIds) {
      const response = await server.fetch(`/api/traces/${traceId}`);
      if (response.status === 200) {
        ids.push(
          ...((await response.json()) as { spans: Array<{ spanId: string }> }).spans.map((s) => s.spanId),
        );
      }
    }
    if (ids.length >= expected) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return ids.sort();
}

describe('distributed pipeline through Kafka', () => {
  it('stores every span acknowledged through Kafka exactly once', async () => {
    const server = await kafkaServer();
    const traceId = simpleSpan().traceId;
    const spans = Array.from({ length: 30 }, () => simpleSpan({ traceId }));
    expect(await send(server, spans)).toBe(200);
    expect(await send(server, spans)).toBe(200); // a client retry
    expect(await storedSpanIds(server, [traceId], spans.length)).toEqual(spans.map((s) => s.spanId).sort());
  });

  it('runs ingest and writer+api as separate processes sharing only the topic', async () => {
    const env = kafkaEnv();
    const ingest = await kafkaServer({ ...env, DRIFTWATCH_ROLES: 'ingest' });
    const writerApi = await kafkaServer({ ...env, DRIFTWATCH_ROLES: 'writer,api' }, ingest.apiKey);
    const traceId = simpleSpan().traceId;
    const spans = Array.from({ length: 20 }, () => simpleSpan({ traceId }));
    expect(await send(ingest, spans)).toBe(200);
    expect(await storedSpanIds(writerApi, [traceId], spans.length)).toEqual(
      spans.map((s) => s.spanId).sort(),
    );
    // each process serves only its own role (and health)
    expect((await ingest.fetch('/api/traces')).status).toBe(404);
    expect(await send(writerApi, spans)).toBe(404);
    expect((await ingest.fetch('/readyz', {}, null)).status).toBe(200);
  });

  it('loses no acknowledged span when the process is killed mid-stream and restarted', async () => {
    const server = await kafkaServer();
    const acked: SimpleSpan[] = [];
    const sending = (async () => {
      for (let round = 0; round < 40; round++) {
        const traceId = simpleSpan().traceId;
        const batch = Array.from({ length: 25 }, () => simpleSpan({ traceId }));
        if ((await send(server, batch)) === 200) acked.push(...batch);
        else break;
      }
    })();
    await new Promise((r) => setTimeout(r, 1500));
    expect(await server.stop('SIGKILL')).toBeNull();
    await sending;
    expect(acked.length).toBeGreaterThan(0);

    await server.launch(); // same data directory, topic and consumer group
    const traceIds = [...new Set(acked.map((s) => s.traceId))];
    const stored = await storedSpanIds(server, traceIds, acked.length);
    expect(stored).toEqual(acked.map((s) => s.spanId).sort());
  });

  it('fails over between two writer processes of one consumer group: a SIGKILLed writer loses nothing', async () => {
    const env = kafkaEnv();
    const ingest = await kafkaServer({ ...env, DRIFTWATCH_ROLES: 'ingest' });
    // Each writer has its own embedded store here (chDB is one process per data directory); with a shared
    // ClickHouse server the FINAL read would also collapse spans both writers stored.
    const writers = await Promise.all(
      [1, 2].map(() => kafkaServer({ ...env, DRIFTWATCH_ROLES: 'writer,api' }, ingest.apiKey)),
    );
    const [doomed, survivor] = writers as [DriftwatchServer, DriftwatchServer];
    const acked: SimpleSpan[] = [];
    for (let round = 0; round < 30; round++) {
      if (round === 10) expect(await doomed.stop('SIGKILL')).toBeNull();
      const traceId = simpleSpan().traceId;
      const batch = Array.from({ length: 20 }, () => simpleSpan({ traceId }));
      if ((await send(ingest, batch)) === 200) acked.push(...batch);
    }
    expect(acked).toHaveLength(600);
    // Read what the killed writer had stored: the same data directory, now serving the API only.
    await doomed.launchWith({ DRIFTWATCH_ROLES: 'api' });
    const traceIds = [...new Set(acked.map((s) => s.traceId))];
    const deadline = Date.now() + 90_000;
    let union = new Set<string>();
    while (Date.now() < deadline) {
      const [a, b] = await Promise.all([
        storedSpanIds(doomed, traceIds, 0),
        storedSpanIds(survivor, traceIds, 0),
      ]);
      union = new Set([...a, ...b]);
      if (union.size >= acked.length) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect([...union].sort()).toEqual(acked.map((s) => s.spanId).sort());
  });

  it('dead-letters a poison message with its reason while the spans around it are stored', async () => {
    const env = kafkaEnv();
    const server = await kafkaServer({ ...env, DRIFTWATCH_KAFKA_PARTITIONS: '1' });
    const traceId = simpleSpan().traceId;
    const before = Array.from({ length: 5 }, () => simpleSpan({ traceId }));
    const after = Array.from({ length: 5 }, () => simpleSpan({ traceId }));
    expect(await send(server, before)).toBe(200);
    await produceRaw(env.DRIFTWATCH_KAFKA_TOPIC!, [Buffer.from('not a span at all')]);
    expect(await send(server, after)).toBe(200);
    const expected = [...before, ...after].map((s) => s.spanId).sort();
    expect(await storedSpanIds(server, [traceId], expected.length)).toEqual(expected);
    const [dead] = await readTopic(`${env.DRIFTWATCH_KAFKA_TOPIC}.dlq`, 1);
    expect(dead?.value.toString()).toBe('not a span at all');
    expect(header(dead as never, DLQ_REASON_HEADER)).toMatch(/^undecodable/);
  });
});
