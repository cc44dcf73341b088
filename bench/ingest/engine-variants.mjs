// Insert-side CPU per span of schema variants, without HTTP: this process decodes, normalizes and inserts
// batches of the bench's spans (fresh trace ids per batch) through the real ClickHouseSpanWriter into chDB,
// waits until chDB has no merge running for 2 s (so the window holds the merges its inserts caused), and
// divides its CPU seconds by the spans, in total and per thread group (/proc/self/task: main JS thread,
// libuv pool where chDB runs each query, chDB engine threads by name, V8 helpers).
//   node_modules/.bin/node bench/ingest/engine-variants.mjs <variant> [batches] [spansPerBatch]
// variants: see VARIANTS (altered after the migrations, on a temp data dir)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { loadLibs } from './lib/ceiling.mjs';
import { cpuDelta, sleep, threadCpu } from './lib/server.mjs';
import { buildTemplate } from './lib/spans.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TEXT_COLUMNS = [
  'attributes',
  'resource',
  'events',
  'input_messages',
  'output_messages',
  'system_instructions',
  'tool_calls',
];
const VIEWS = ['trace_index_mv', 'trace_summary_mv', 'trace_values_mv', 'metrics_rollup_hours_mv'];
const VARIANTS = {
  current: [],
  noBloom: ['idx_trace_id', 'idx_user_id', 'idx_session_id'].map(
    (i) => `ALTER TABLE d.spans DROP INDEX ${i}`,
  ),
  noViews: VIEWS.map((v) => `DROP VIEW d.${v}`),
  ...Object.fromEntries(VIEWS.map((v) => [`no_${v}`, [`DROP VIEW d.${v}`]])),
  lz4: TEXT_COLUMNS.map((c) => `ALTER TABLE d.spans MODIFY COLUMN ${c} String CODEC(LZ4)`),
  noMerge: ['SYSTEM STOP MERGES'],
  base20: ['ALTER TABLE d.spans MODIFY SETTING merge_selector_base = 20'],
  // main's schema writes parts over 10 MiB wide; branch `ingest`'s migration 023 made them compact (README).
  compact: ['ALTER TABLE d.spans MODIFY SETTING min_bytes_for_wide_part = 268435456'],
};
const variant = process.argv[2] ?? 'current';
const batches = Number(process.argv[3] ?? 16);
const perBatch = Number(process.argv[4] ?? 8000);
if (!VARIANTS[variant])
  throw new Error(`unknown variant ${variant}; one of ${Object.keys(VARIANTS).join(', ')}`);

const libs = await loadLibs(root, [
  `export { ClickHouseSpanWriter, createEmbeddedClickHouse } from '@driftwatch/store-clickhouse';`,
]);
const path = mkdtempSync(join(process.env.ENGINE_DATA_DIR ?? tmpdir(), 'driftwatch-engine-variants-'));
const client = libs.createEmbeddedClickHouse(path);
const writer = new libs.ClickHouseSpanWriter(client, { database: 'd', retentionDays: 30 });
await writer.start();
for (const query of VARIANTS[variant]) await client.command({ query });
const scalar = async (query) =>
  Number(Object.values((await (await client.query({ query, format: 'JSONEachRow' })).json())[0])[0]);

// Requests of 500 spans, perBatch / 500 of them per insert, as the bench's connections deliver them.
const templates = Array.from({ length: Math.ceil(perBatch / 500) }, (_, c) =>
  buildTemplate({ seed: 7000 + c, spansPerRequest: 500 }),
);
let spans = 0;
const before = threadCpu(process.pid);
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
const insertedS = (performance.now() - started) / 1000;
// The merges these inserts caused, inside the window: wait for 2 s without a running merge (at most 60 s).
let quiet = 0;
for (let i = 0; i < 600 && quiet < 20; i++) {
  await sleep(100);
  quiet = (await scalar("SELECT count() FROM system.merges WHERE database = 'd'")) === 0 ? quiet + 1 : 0;
}
const cpu = cpuDelta(before, threadCpu(process.pid));
const total = Object.values(cpu.groups).reduce((a, b) => a + b, 0);
const us = (s) => Number(((s * 1e6) / spans).toFixed(1));
const parts = await scalar(
  "SELECT count() FROM system.parts WHERE database = 'd' AND table = 'spans' AND active",
);
const stored = await scalar('SELECT count() FROM d.spans');
const partTypes = await (
  await client.query({
    query: `SELECT table, part_type, count() AS parts, round(avg(data_uncompressed_bytes) / 1048576) AS avgMiB
      FROM system.parts WHERE database = 'd' AND active AND rows > 0 GROUP BY table, part_type ORDER BY table`,
    format: 'JSONEachRow',
  })
).json();
console.log(
  JSON.stringify({
    variant,
    spans,
    stored,
    usPerSpan: us(total),
    byGroup: Object.fromEntries(Object.entries(cpu.groups).map(([k, v]) => [k, us(v)])),
    byThread: Object.fromEntries(
      Object.entries(cpu.byName)
        .filter(([, v]) => v >= 0.05)
        .map(([k, v]) => [k, us(v)]),
    ),
    insertWallS: Number(insertedS.toFixed(1)),
    wallS: Number(((performance.now() - started) / 1000).toFixed(1)),
    activeParts: parts,
    partTypes: partTypes.map((p) => `${p.table} ${p.part_type} x${p.parts} ~${p.avgMiB} MiB`).join(', '),
  }),
);
await client.close();
rmSync(path, { recursive: true, force: true });
