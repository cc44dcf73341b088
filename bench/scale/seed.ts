// Seeds N spans of realistic traces straight into an embedded store with INSERT ... SELECT statements that
// generate the rows inside ClickHouse (no HTTP, no queue, no JS row building: the ingest path has its own
// benchmark). Runs the store's migrations first, so materialized views (trace index, trace summary) are fed as
// by the writer. Prints one JSON line: { spans, traces, seconds, bigTraceId, nowMs }.
//
// Traces (ids from cityHash64 of the trace number, so a rerun writes the same ids): a quarter are single model
// calls; the rest are agents (a root `invoke_agent` span, then model calls alternating with tool calls, up to
// 7 children), 2 spans per trace on average; 5 models of 3 providers, 5,000 users, 200,000 sessions, start times
// spread over the last 30 days, 2% errors, messages of 0.3-1.5 KB of text.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ClickHouseSpanWriter, createEmbeddedClickHouse } from '@driftwatch/store-clickhouse';

const [dataDir, countText = '1000000', nowText] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: seed <dataDir> [spans|sizes] [nowMs]');
const total = Number(countText);
const nowMs = nowText ? Number(nowText) : Date.now();
const DB = 'driftwatch';
/** Trace sizes by hash (average 2 spans): single calls and agents with tool calls. */
const SIZES = '[1, 1, 2, 1, 2, 3, 2, 4]';
const SLOTS = 8;
const CHUNK_TRACES = 250_000;
const DAY_MS = 86_400_000;

const client = createEmbeddedClickHouse(join(dataDir, 'clickhouse'));
if (countText === 'sizes') {
  // On-disk size of the biggest tables (run.mjs calls this with the server stopped).
  const parts = await client.query({
    query: `SELECT table, sum(rows) AS rows, sum(bytes_on_disk) AS disk, sum(data_uncompressed_bytes) AS raw
            FROM system.parts WHERE database = '${DB}' AND active GROUP BY table ORDER BY disk DESC LIMIT 6`,
    format: 'JSONEachRow',
  });
  console.log(JSON.stringify(await parts.json()));
  await client.close();
  process.exit(0);
}
const writer = new ClickHouseSpanWriter(client, { database: DB, retentionDays: 30 });
await writer.start();

/** Rows for traces [from, to): slot j of trace t exists when j < size(t). */
function insertSql(from: number, to: number): string {
  return `
INSERT INTO ${DB}.spans (project_id, start_time, trace_id, span_id, parent_span_id, end_time, duration_ns, name, kind,
  status, status_message, service_name, scope_name, scope_version, attributes, resource, events, is_llm, operation,
  provider, request_model, response_model, input_messages, output_messages, system_instructions, tool_calls,
  finish_reasons, input_tokens, output_tokens, total_tokens, usage_counted, usage_estimated, cost_usd, convention,
  user_id, session_id, tags, metadata, release, environment)
SELECT 'default',
  fromUnixTimestamp64Milli(toInt64(t_start + j * 900)),
  trace_id, span_id, parent, fromUnixTimestamp64Milli(toInt64(t_start + j * 900 + dur_ms)), dur_ms * 1000000,
  name, if(is_root AND size > 1, 'server', if(is_llm, 'client', 'internal')),
  if(h % 50 = 0, 'error', 'ok'), if(h % 50 = 0, 'upstream timeout', ''),
  'support-agent', 'driftwatch.bench', '1.0', '{"bench":"scale"}', '{"service.name":"support-agent"}', '[]',
  is_llm, if(is_llm, 'chat', ''), if(is_llm, provider, ''), if(is_llm, model, ''), if(is_llm, model, ''),
  if(is_llm, concat('[{"role":"user","parts":[{"type":"text","content":"', question, '"}]}]'), ''),
  if(is_llm, concat('[{"role":"assistant","parts":[{"type":"text","content":"', answer, '"}],"finishReason":"stop"}]'), ''),
  if(is_llm, '[{"type":"text","content":"You are a support agent for an online shop. Be brief and polite."}]', ''),
  if(is_llm AND j < size - 1, '[{"id":"call_1","name":"lookup_order","arguments":"{\\"order\\":42}"}]', '[]'),
  if(is_llm, ['stop'], []),
  if(is_llm, toNullable(toUInt32(in_tok)), NULL), if(is_llm, toNullable(toUInt32(out_tok)), NULL),
  if(is_llm, toNullable(toUInt32(in_tok + out_tok)), NULL),
  is_llm, 0, if(is_llm, toNullable(in_tok * 0.0000025 + out_tok * 0.00001), NULL), if(is_llm, 'gen_ai', ''),
  concat('user-', toString(t % 5000)), concat('session-', toString(intDiv(t, 25) % 200000)),
  [], map(), '2.3.0', 'production'
FROM (
  SELECT intDiv(number, ${SLOTS}) AS t, number % ${SLOTS} AS j, cityHash64(t) AS h,
    arrayElement(${SIZES}, (h % 8) + 1) AS size,
    j = 0 AS is_root,
    toUInt8(size = 1 OR (j > 0 AND j % 2 = 1)) AS is_llm,
    toInt64(${nowMs} - (cityHash64(t, 'start') % (30 * ${DAY_MS})) - size * 900 - 5000) AS t_start,
    lower(concat(hex(h), hex(cityHash64(t, 'trace')))) AS trace_id,
    lower(hex(cityHash64(t, j))) AS span_id,
    if(is_root, '', lower(hex(cityHash64(t, 0)))) AS parent,
    arrayElement(['gpt-4o-mini', 'gpt-4o', 'claude-3-5-sonnet', 'claude-3-5-haiku', 'gemini-1.5-pro'],
      (cityHash64(t, j, 'model') % 5) + 1) AS model,
    multiIf(startsWith(model, 'gpt'), 'openai', startsWith(model, 'claude'), 'anthropic', 'gcp.gemini') AS provider,
    if(is_root AND size > 1, 'invoke_agent support', if(is_llm, concat('chat ', model), 'execute_tool lookup_order')) AS name,
    if(is_root AND size > 1, size * 900, if(is_llm, 200 + cityHash64(t, j, 'd') % 3000, 5 + cityHash64(t, j, 'd') % 80)) AS dur_ms,
    100 + cityHash64(t, j, 'in') % 2000 AS in_tok, 10 + cityHash64(t, j, 'out') % 600 AS out_tok,
    concat('Order ', toString(h % 100000), ': ', repeat('where is my parcel, it was due ', 1 + h % 10),
      toString(cityHash64(t, j, 'q'))) AS question,
    concat('Your order ', toString(h % 100000), ' ships on day ', toString(h % 28), '. ',
      repeat('Thanks for your patience. ', 2 + cityHash64(t, j) % 20)) AS answer
  FROM numbers(${from * SLOTS}, ${(to - from) * SLOTS})
  WHERE j < size
)
SETTINGS max_insert_threads = 2, max_threads = 2`;
}

const began = performance.now();
// 2 spans per trace on average: trace numbers until the total is reached (counted exactly below).
const traces = Math.ceil(total / 2);
for (let from = 0; from < traces; from += CHUNK_TRACES) {
  await client.command({ query: insertSql(from, Math.min(traces, from + CHUNK_TRACES)) });
}
const counted = await client.query({
  query: `SELECT count() AS spans, uniqExact(trace_id) AS traces FROM ${DB}.spans`,
  format: 'JSONEachRow',
});
const [row] = await counted.json<{ spans: string; traces: string }>();
const big = await client.query({
  query: `SELECT trace_id FROM ${DB}.spans WHERE project_id = 'default' AND parent_span_id = '' AND name LIKE 'invoke_agent%'
          ORDER BY start_time DESC LIMIT 1`,
  format: 'JSONEachRow',
});
const [bigRow] = await big.json<{ trace_id: string }>();
await client.close();
console.log(
  JSON.stringify({
    spans: Number(row!.spans),
    traces: Number(row!.traces),
    seconds: (performance.now() - began) / 1000,
    bigTraceId: bigRow!.trace_id,
    nowMs,
  }),
);
