// A detection run is idempotent per (project, window): its input, vectors included, is the same on every read of
// the window, so a re-run gives the same answer. Real parts: chDB, the span writer, the ClickHouse vector index and
// the detection input reader as the server composes them, and the detectors.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { llmCall, spanRecord } from '@driftwatch/contract-tests';
import type { DetectionInput, DetectorSettings, VectorEntry } from '@driftwatch/contracts';
import { detect } from '@driftwatch/detectors';
import {
  ClickHouseDetectionInputReader,
  ClickHouseSpanWriter,
  createEmbeddedClickHouse,
} from '@driftwatch/store-clickhouse';
import { seededRandom } from '@driftwatch/topics';
import { ClickHouseVectorIndex } from '@driftwatch/vector-clickhouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const HOUR = 3_600_000;
const DIM = 8;
const T0 = Date.UTC(2026, 10, 2);
const PROJECT = 'p-rerun';
const random = seededRandom(11);

/** A unit vector near one of a few directions (topics). */
function near(axis: number): Float32Array {
  const v = Float32Array.from({ length: DIM }, (_, d) => (d === axis ? 1 : 0) + (random() - 0.5) * 0.4);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/** `count` calls spread over the hour from `fromMs`, their request vectors near directions 0-3. */
function hour(fromMs: number, count: number) {
  return Array.from({ length: count }, (_, i) => {
    const timeMs = fromMs + Math.floor(((i + 0.5) * HOUR) / count);
    const axis = i % 4;
    const span = spanRecord({
      projectId: PROJECT,
      startTimeUnixNano: (BigInt(timeMs) * 1_000_000n).toString(),
      llm: llmCall({
        inputMessages: [{ role: 'user', parts: [{ type: 'text', content: `question ${axis} number ${i}` }] }],
      }),
    });
    const entry: VectorEntry = {
      projectId: PROJECT,
      traceId: span.traceId,
      spanId: span.spanId,
      field: 'request',
      timeMs,
      model: 'gpt-4o-mini',
      release: '1.0.0',
      topicId: null,
      vector: near(axis),
    };
    return { span, entry };
  });
}

const settings: DetectorSettings = {
  enabled: [],
  falseAlarmRate: 0.01,
  minSamples: 10,
  minEffect: 0.1,
  dimensions: ['model'],
  baseline: 'fixed',
  fixedBaseline: { fromMs: T0, toMs: T0 + 3 * HOUR },
  windowMs: HOUR,
  baselineWindows: 3,
};

/** What identifies an input's vectors (baseline, current), in their order. */
const vectorKeys = (input: DetectionInput): [string[], string[]] => {
  const keys = (side: DetectionInput['currentVectors']) =>
    side.map((v) => `${v.field}/${v.spanId}/${Array.from(v.vector.slice(0, 2)).join(',')}`);
  return [keys(input.baselineVectors), keys(input.currentVectors)];
};

describe('detection input of a window', () => {
  const client = createEmbeddedClickHouse(mkdtempSync(join(tmpdir(), 'dw-detection-input-')));
  const database = `detection_input_${process.pid}`;
  const index = new ClickHouseVectorIndex(client, {
    schema: { database, retentionDays: 25_000 },
    dimensions: DIM,
  });
  // Fewer vectors per window than the window holds: the reader samples.
  const reader = new ClickHouseDetectionInputReader(client, database, {
    index: () => index,
    maxVectorsPerWindow: 120,
  });
  const current = { fromMs: T0 + 3 * HOUR, toMs: T0 + 4 * HOUR };
  const next = { fromMs: T0 + 4 * HOUR, toMs: T0 + 5 * HOUR };

  beforeAll(async () => {
    const writer = new ClickHouseSpanWriter(client, { database, retentionDays: 25_000 });
    await writer.start();
    await index.start();
    const calls = [0, 1, 2, 3, 4].flatMap((h) => hour(T0 + h * HOUR, 200));
    await writer.insert(calls.map((c) => c.span));
    await index.upsert(calls.map((c) => c.entry));
  }, 60_000);

  afterAll(async () => {
    await index.shutdown();
    await client.close();
  });

  it('reads the same vectors on every read of a window, and the same baseline sample for every window', async () => {
    const first = await reader.read(PROJECT, current, settings);
    const again = await reader.read(PROJECT, current, settings);
    const [baseline, vectors] = vectorKeys(first);
    expect(vectors).toHaveLength(120);
    expect(baseline).toHaveLength(120);
    expect(vectorKeys(again)).toEqual([baseline, vectors]);
    // The next window: other calls, the same fixed baseline sample.
    const later = await reader.read(PROJECT, next, settings);
    expect(vectorKeys(later)[0]).toEqual(baseline);
    expect(new Set([...vectorKeys(later)[1], ...vectors]).size).toBe(240);
    // So a re-run of the window gives the same answer, topic checks included (they ran: enough vectors).
    const result = detect(first);
    expect(result.skipped.filter((s) => s.kind === 'topic_shift')).toEqual([]);
    expect(detect(again)).toEqual(result);
  });
});
