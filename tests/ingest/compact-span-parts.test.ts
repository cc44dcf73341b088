/**
 * Span parts up to 256 MiB stay compact (migration 023): an insert of a few thousand LLM spans is over ClickHouse's
 * 10 MiB default and was written as a wide part, ~130 files to create and later delete (bench/ingest/README.md,
 * "Session 6 levers"). On both ways Driftwatch reaches ClickHouse: embedded
 * chDB (RowBinary inserts) and the HTTP interface (JSONEachRow). The rows read back are the same, and a redelivered
 * batch still collapses onto the first copy.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { nanosAgo, spanRecord } from '@driftwatch/contract-tests';
import type { SpanRecord } from '@driftwatch/contracts';
import { ClickHouseSpanWriter } from '@driftwatch/store-clickhouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickHouseWays } from '../support/clickhouse-ways.js';

const P = 'project-compact';
const DB = 'dw_compact';
/** 400 spans of ~30 KB: ~12 MiB of uncompressed column data, over the 10 MiB at which parts used to go wide. */
const SPANS = 400;

function batch(): SpanRecord[] {
  const start = nanosAgo(60_000);
  return Array.from({ length: SPANS }, (_, i) =>
    spanRecord({
      projectId: P,
      startTimeUnixNano: start,
      name: `call ${i}`,
      attributes: { 'app.note': `note ${i} `.repeat(3_000) },
    }),
  );
}

async function rows<T>(client: ClickHouseClient, query: string): Promise<T[]> {
  return (await client.query({ query, format: 'JSONEachRow' })).json<T>();
}

describe.each(clickHouseWays('driftwatch-compact-'))('span parts over %s', (_name, open) => {
  let client: ClickHouseClient;
  let stop: () => Promise<void>;
  const spans = batch();

  beforeAll(async () => {
    const opened = await open();
    client = opened.client;
    stop = opened.stop;
    const writer = new ClickHouseSpanWriter(client, { database: DB, retentionDays: 30 });
    await writer.start();
    await client.command({ query: `SYSTEM STOP MERGES ${DB}.spans` }); // the inserted parts as written
    await writer.insert(spans);
    await writer.insert(spans); // redelivered
  }, 120_000);

  afterAll(async () => {
    await stop?.();
  });

  it('are written compact although each insert is over 10 MiB', async () => {
    const parts = await rows<{ part_type: string; rows: string; bytes: string }>(
      client,
      `SELECT part_type, rows, data_uncompressed_bytes AS bytes FROM system.parts
       WHERE database = '${DB}' AND table = 'spans' AND active ORDER BY name`,
    );
    expect(parts).toHaveLength(2);
    for (const part of parts) {
      expect(part.part_type).toBe('Compact');
      expect(Number(part.rows)).toBe(SPANS);
      expect(Number(part.bytes)).toBeGreaterThan(10 * 1024 * 1024);
    }
  });

  it('store every span once, read with FINAL, with its attributes whole', async () => {
    const stored = await rows<{ span_id: string; name: string; attributes: string }>(
      client,
      `SELECT span_id, name, attributes FROM ${DB}.spans FINAL WHERE project_id = '${P}' ORDER BY span_id`,
    );
    expect(stored).toHaveLength(SPANS);
    const sent = new Map(spans.map((s) => [s.spanId, s]));
    for (const row of stored) {
      const span = sent.get(row.span_id);
      expect(row.name).toBe(span?.name);
      expect(JSON.parse(row.attributes)).toEqual(span?.attributes);
    }
  });
});
