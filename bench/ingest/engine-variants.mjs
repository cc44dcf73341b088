// Insert-side CPU per span of schema variants, without HTTP: this process decodes, normalizes and inserts
// batches of the bench's spans (fresh trace ids per batch) through the real ClickHouseSpanWriter into chDB,
// waits for background merges, and divides its CPU seconds (chDB's threads included) by the spans.
//   node_modules/.bin/node bench/ingest/engine-variants.mjs <variant> [batches]
// variants: current, noBloom, noMv, lz4, noMerge (altered after the migrations, on a temp data dir)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { loadLibs } from './lib/ceiling.mjs';
import { buildTemplate } from './lib/spans.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const VARIANTS = {
  current: [],
  noBloom: ['idx_trace_id', 'idx_user_id', 'idx_session_id'].map(
    (i) => `ALTER TABLE d.spans DROP INDEX ${i}`,
  ),
  noMv: ['DROP VIEW d.trace_index_mv'],
  lz4: [
    'attributes',
    'resource',
    'events',
    'input_messages',
    'output_messages',
    'system_instructions',
    'tool_calls',
  ].map((c) => `ALTER TABLE d.spans MODIFY COLUMN ${c} String CODEC(LZ4)`),
  noMerge: ['SYSTEM STOP MERGES d.spans'],
};
const variant = process.argv[2] ?? 'current';
const batches = Number(process.argv[3] ?? 8);
if (!VARIANTS[variant])
  throw new Error(`unknown variant ${variant}; one of ${Object.keys(VARIANTS).join(', ')}`);

const libs = await loadLibs(root, [
  `export { ClickHouseSpanWriter, createEmbeddedClickHouse } from '@driftwatch/store-clickhouse';`,
]);
const path = mkdtempSync(join(tmpdir(), 'driftwatch-engine-variants-'));
const client = libs.createEmbeddedClickHouse(path);
const writer = new libs.ClickHouseSpanWriter(client, { database: 'd', retentionDays: 30 });
await writer.start();
for (const query of VARIANTS[variant]) await client.command({ query });

// 16 requests of 500 spans per insert, as the bench's 16 connections deliver them.
const templates = Array.from({ length: 16 }, (_, c) =>
  buildTemplate({ seed: 7000 + c, spansPerRequest: 500 }),
);
let spans = 0;
const cpu = process.cpuUsage();
const started = performance.now();
for (let b = 0; b < batches; b++) {
  const records = [];
  for (let c = 0; c < templates.length; c++) {
    templates[c].stamp(0x1000 + b, c);
    const request = libs.decodeTraceRequestProtobuf(templates[c].body);
    records.push(...libs.normalizeTraceRequest(request, { projectId: 'bench' }).records);
  }
  await writer.insert(records);
  spans += records.length;
}
await new Promise((resolve) => setTimeout(resolve, 3_000)); // merges of the last parts, inside the window
const used = process.cpuUsage(cpu);
const cpuS = (used.user + used.system) / 1e6;
const parts = await (
  await client.query({
    query: "SELECT count() AS n FROM system.parts WHERE database = 'd' AND table = 'spans' AND active",
    format: 'JSONEachRow',
  })
).json();
console.log(
  JSON.stringify({
    variant,
    spans,
    cpuS: Number(cpuS.toFixed(2)),
    usPerSpan: Number(((cpuS * 1e6) / spans).toFixed(1)),
    wallS: Number(((performance.now() - started) / 1000).toFixed(1)),
    activeParts: Number(parts[0]?.n),
  }),
);
await client.close();
rmSync(path, { recursive: true, force: true });
