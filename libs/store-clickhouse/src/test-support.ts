import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { createEmbeddedClickHouse } from './clients.js';
import type { TraceRow } from './trace-list-query.js';

let shared: ClickHouseClient | null = null;
let counter = 0;

/** One chDB data directory per test process (libchdb binds one per process); a fresh database per call. */
export function embeddedForTests(): { client: ClickHouseClient; database: string } {
  shared ??= createEmbeddedClickHouse(mkdtempSync(join(tmpdir(), 'driftwatch-chdb-')));
  counter += 1;
  return { client: shared, database: `test_${process.pid}_${counter}` };
}

/**
 * Trace list rows as the list tests compare them: the list's columns (the intermediate call arrays come in
 * ClickHouse's merge order), a cost being a sum of floats in that order too, equal to 1e-12.
 */
export const comparableTraceRows = (rows: TraceRow[]) =>
  rows.map((row) => {
    const r = row as TraceRow & Record<string, unknown>;
    const { usage_bound: _b, calls_all: _a, call_ids: _i, calls_once: _o, counted_calls: _c, ...listed } = r;
    return { ...listed, cost_usd_sum: r.cost_usd_sum === null ? null : r.cost_usd_sum.toFixed(12) };
  });

/** Deterministic pseudo-random numbers (mulberry32), so a failure reproduces. */
export function seededRandomForTests(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
