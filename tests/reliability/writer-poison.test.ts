/**
 * A span the store refuses must never stall the pipeline. The decoders and the normalizer keep bad input out
 * at the edge, so here the refused records are built directly as SpanRecords, as if they reached the queue
 * another way (an older release, a replayed topic): the real writer, the real in-process queue and the real
 * ClickHouse engine (chDB on a temporary directory), nothing faked; then the real server in distributed mode,
 * with the refused record planted on the Kafka topic between spans sent over OTLP.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { spanRecord } from '@driftwatch/contract-tests';
import type { OfferResult, SpanRecord } from '@driftwatch/contracts';
import { deadlineIn } from '@driftwatch/contracts';
import { BatchingWriter } from '@driftwatch/pipeline';
import { MemorySpanQueue } from '@driftwatch/queue-memory';
import { DLQ_REASON_HEADER, encodeSpan } from '@driftwatch/queue-kafka';
import { ClickHouseSpanWriter, createEmbeddedClickHouse } from '@driftwatch/store-clickhouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  committedOffset,
  eventually,
  header,
  KAFKA_BOOTSTRAP,
  produceRaw,
  readTopic,
  requireBroker,
  unique,
} from '../distributed/kafka-broker.js';
import { DriftwatchServer } from '../support/driftwatch-server.js';
import { otlpProtobuf, simpleSpan, type SimpleSpan } from '../support/otlp-payloads.js';

const DB = 'poison';
let client: ClickHouseClient;
let store: ClickHouseSpanWriter;
let writer: BatchingWriter;
let queue: MemorySpanQueue;

beforeAll(async () => {
  client = createEmbeddedClickHouse(mkdtempSync(join(tmpdir(), 'driftwatch-poison-')));
  store = new ClickHouseSpanWriter(client, { database: DB, retentionDays: 30 });
  await store.start();
  writer = new BatchingWriter(store, {
    maxBatchRecords: 10_000,
    maxWaitMs: 50,
    retryDelayMs: { initial: 20, max: 200 },
  });
  queue = new MemorySpanQueue({ capacity: 10_000, deadLetters: store });
  queue.subscribe(writer);
  await queue.start();
});

afterAll(async () => {
  await queue?.shutdown(deadlineIn(2_000));
  await writer?.shutdown(deadlineIn(2_000));
  await client?.close();
});

async function column(sql: string): Promise<string[]> {
  const result = await client.query({ query: sql, format: 'JSONEachRow' });
  return (await result.json<{ v: string }>()).map((row) => row.v);
}

const ids = (records: SpanRecord[]) => records.map((r) => r.spanId);

describe('writer with a span the store refuses (real ClickHouse engine)', () => {
  it('dead-letters only the refused spans with their reasons, stores their siblings and keeps going', async () => {
    // Refused by ClickHouse itself: a negative duration in a UInt64 column (error "Unsigned type must not
    // contain '-'") and a lone UTF-16 surrogate in a column written as raw text (error 25).
    const negative = spanRecord({ durationNs: -5 });
    const surrogate = spanRecord({ kind: '\ud800' as SpanRecord['kind'] });
    const requestA = [spanRecord(), negative, spanRecord(), spanRecord()];
    const requestB = [spanRecord(), spanRecord()];
    const requestC = [surrogate, spanRecord()];
    // Offered together, so the writer gets them in one batch: one bad row used to fail (and stall) them all.
    const [a, b, c] = await Promise.all([
      queue.offer(requestA),
      queue.offer(requestB),
      queue.offer(requestC),
    ]);

    expect(a.deadLettered).toEqual([
      {
        spanId: negative.spanId,
        reason: expect.stringMatching(/Unsigned type must not contain '-'/) as string,
      },
    ]);
    expect(b).toEqual({ deadLettered: [] });
    expect(c.deadLettered).toEqual([
      { spanId: surrogate.spanId, reason: expect.stringMatching(/surrogate/) as string },
    ]);

    const good = [...requestA, ...requestB, ...requestC].filter((r) => r !== negative && r !== surrogate);
    const stored = await column(`SELECT span_id AS v FROM ${DB}.spans FINAL`);
    expect(stored.sort()).toEqual(ids(good).sort());

    const dead = await column(`SELECT concat(span_id, ' ', reason) AS v FROM ${DB}.dead_letters`);
    expect(dead).toHaveLength(2);
    expect(dead.find((d) => d.startsWith(negative.spanId))).toMatch(/Unsigned type/);
    expect(dead.find((d) => d.startsWith(surrogate.spanId))).toMatch(/surrogate/);

    // Nothing is stuck behind them.
    const later = [spanRecord(), spanRecord()];
    expect(await queue.offer(later)).toEqual({ deadLettered: [] });
    expect(
      await column(
        `SELECT span_id AS v FROM ${DB}.spans FINAL WHERE span_id IN ('${ids(later).join("','")}')`,
      ),
    ).toHaveLength(2);
    expect(writer.health()).toMatchObject({ ready: true, consecutiveFailures: 0, oldestUnstoredMs: null });
  });

  it('finds the refused span inside one large delivery and stores the other spans of it', async () => {
    const records = Array.from({ length: 500 }, () => spanRecord());
    const bad = spanRecord({ startTimeUnixNano: '99999999999999999999999' });
    records.splice(317, 0, bad);
    const result: OfferResult = await queue.offer(records);
    expect(result.deadLettered.map((d) => d.spanId)).toEqual([bad.spanId]);
    expect(result.deadLettered[0]?.reason).toMatch(/start_time/);
    const stored = await column(
      `SELECT span_id AS v FROM ${DB}.spans FINAL WHERE span_id IN ('${ids(records).join("','")}')`,
    );
    expect(stored.sort()).toEqual(ids(records.filter((r) => r !== bad)).sort());
  });
});

describe('writer with a span the store refuses (real server, Kafka)', () => {
  const servers: DriftwatchServer[] = [];
  beforeAll(requireBroker);
  afterAll(async () => {
    for (const s of servers) await s.stop('SIGKILL');
  });

  const send = async (server: DriftwatchServer, spans: SimpleSpan[]) =>
    (
      await server.fetch('/v1/traces', {
        method: 'POST',
        body: otlpProtobuf(spans),
        headers: { 'content-type': 'application/x-protobuf' },
      })
    ).status;

  it('dead-letters the refused span alone, stores the spans it was delivered with and commits past it', async () => {
    const topic = unique('poison-spans');
    const group = unique('poison-writer');
    const env = {
      DRIFTWATCH_QUEUE: 'kafka',
      DRIFTWATCH_KAFKA_BROKERS: KAFKA_BOOTSTRAP,
      DRIFTWATCH_KAFKA_TOPIC: topic,
      DRIFTWATCH_KAFKA_GROUP: group,
      DRIFTWATCH_KAFKA_PARTITIONS: '1',
    };
    const ingest = await DriftwatchServer.start({ env: { ...env, DRIFTWATCH_ROLES: 'ingest' } });
    servers.push(ingest);
    const traceId = simpleSpan().traceId;
    const before = Array.from({ length: 10 }, () => simpleSpan({ traceId }));
    const after = Array.from({ length: 10 }, () => simpleSpan({ traceId }));
    // A record every check before the store lets through (it decodes as a SpanRecord) but ClickHouse refuses.
    const poison = spanRecord({ projectId: 'default', traceId, durationNs: -5 });
    expect(await send(ingest, before)).toBe(200);
    await produceRaw(topic, [encodeSpan(poison)]);
    expect(await send(ingest, after)).toBe(200);

    // The writer starts after all three are on the topic, so it gets them together in one delivery.
    const writer = await DriftwatchServer.start({
      env: { ...env, DRIFTWATCH_ROLES: 'writer,api' },
      apiKey: ingest.apiKey,
    });
    servers.push(writer);
    const good = [...before, ...after].map((s) => s.spanId).sort();
    const stored = await eventually(async () => {
      const response = await writer.fetch(`/api/traces/${traceId}`);
      if (response.status !== 200) return undefined;
      const ids = ((await response.json()) as { spans: Array<{ spanId: string }> }).spans.map(
        (s) => s.spanId,
      );
      return ids.length >= good.length ? ids.sort() : undefined;
    }, 60_000);
    expect(stored).toEqual(good);

    const [dead, ...more] = await readTopic(`${topic}.dlq`, 1);
    expect(more).toHaveLength(0);
    expect(JSON.parse(dead?.value.toString() ?? '{}').spanId).toBe(poison.spanId);
    expect(header(dead as never, DLQ_REASON_HEADER)).toMatch(/Unsigned type must not contain '-'/);
    await eventually(async () => ((await committedOffset(group, topic)) === 21n ? true : undefined));
    expect((await writer.fetch('/readyz', {}, null)).status).toBe(200);
  });
});
