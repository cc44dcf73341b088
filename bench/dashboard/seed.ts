// Writes N spans straight into the embedded store (no HTTP, no queue) for the dashboard benchmark: traces of 10
// spans (a root, 3 LLM calls, 6 tool/internal spans) spread over the last 23 hours, plus one trace of 1,000 spans.
// Prints one JSON line: { spans, seconds, bigTraceId }.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { SpanRecord } from '@driftwatch/contracts';
import { llmCall, randomSpanId, randomTraceId, spanRecord } from '@driftwatch/contract-tests';
import { ClickHouseSpanWriter, createEmbeddedClickHouse } from '@driftwatch/store-clickhouse';

const [dataDir, countText = '1000000'] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: seed <dataDir> [spans]');
const total = Number(countText);
const BATCH = 50_000;
const WINDOW_MS = 23 * 3_600_000;
const MODELS = ['gpt-4o-mini', 'gpt-4o', 'claude-3-5-sonnet', 'gemini-1.5-pro'];

function nanos(ms: number): string {
  return (BigInt(Math.floor(ms)) * 1_000_000n).toString();
}

function trace(startMs: number, n: number): SpanRecord[] {
  const traceId = randomTraceId();
  const rootId = randomSpanId();
  const spans: SpanRecord[] = [];
  const step = 40;
  for (let i = 0; i < n; i++) {
    const isRoot = i === 0;
    const isLlm = !isRoot && i % 3 === 1;
    const model = MODELS[(startMs + i) % MODELS.length]!;
    const start = startMs + (isRoot ? 0 : i * step);
    const durationMs = isRoot ? n * step + 20 : isLlm ? 30 + ((startMs / 7 + i * 13) % 900) : 5;
    spans.push(
      spanRecord({
        projectId: 'default',
        traceId,
        spanId: isRoot ? rootId : randomSpanId(),
        parentSpanId: isRoot ? '' : rootId,
        name: isRoot ? 'handle_request' : isLlm ? `chat ${model}` : `execute_tool lookup_${i % 5}`,
        startTimeUnixNano: nanos(start),
        endTimeUnixNano: nanos(start + durationMs),
        durationNs: Math.round(durationMs * 1_000_000),
        status: (startMs + i) % 50 === 0 ? 'error' : 'ok',
        llm: isLlm ? llmCall({ requestModel: model, responseModel: model }) : null,
        userId: `user-${Math.floor(startMs) % 500}`,
        sessionId: `session-${Math.floor(startMs / 600_000) % 2000}`,
        // Three releases and two environments, so the overview's group-by has groups to draw.
        release: `2.${Math.floor(startMs) % 3}.0`,
        environment: Math.floor(startMs) % 4 === 0 ? 'staging' : 'production',
      }),
    );
  }
  return spans;
}

const client = createEmbeddedClickHouse(join(dataDir, 'clickhouse'));
const writer = new ClickHouseSpanWriter(client, { database: 'driftwatch', retentionDays: 30 });
await writer.start();
const began = performance.now();
const now = Date.now();
let written = 0;
let batch: SpanRecord[] = [];
for (let t = 0; written + batch.length < total - 1000; t++) {
  batch.push(...trace(now - 3_600_000 - ((t * 7919) % WINDOW_MS) - (t % 1000), 10));
  if (batch.length >= BATCH) {
    await writer.insert(batch);
    written += batch.length;
    batch = [];
  }
}
const big = trace(now - 30 * 60_000, 1000);
batch.push(...big);
await writer.insert(batch);
written += batch.length;
await client.close();
console.log(
  JSON.stringify({
    spans: written,
    seconds: (performance.now() - began) / 1000,
    bigTraceId: big[0]!.traceId,
  }),
);
