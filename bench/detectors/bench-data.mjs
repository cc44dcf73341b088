#!/usr/bin/env node
// Writes the benchmark's data straight into a server's chDB directory (the server stopped): `traces` traces of
// 10 spans each (a root, 8 pipeline spans, one LLM call) spread evenly over 25 hours, and request + response
// vectors of every LLM call: random-but-clustered unit vectors (300 topic directions plus noise). The last hour
// carries planted changes (gpt-4.1 latency x1.5; 10% of calls in a 301st cluster) so the run has problems to open.
// Run as a child process (chDB holds its directory for the life of the process):
//   node bench/detectors/bench-data.mjs --path DIR/clickhouse [--traces 100000] [--start ISO]

import { parseArgs } from 'node:util';
import { importTs } from '../topics/vectors.mjs';

const { values: opt } = parseArgs({
  options: {
    path: { type: 'string' },
    traces: { type: 'string', default: '100000' },
    start: { type: 'string', default: '2026-11-02T00:00:00.000Z' },
    database: { type: 'string', default: 'driftwatch' },
  },
});
if (!opt.path) throw new Error('--path (the chDB directory) is required');
const traces = Number(opt.traces);
const hours = 25;
const t0Ns = BigInt(Date.parse(opt.start)) * 1_000_000n;
const stepNs = (BigInt(hours) * 3_600_000_000_000n) / BigInt(traces);
const currentFrom = Math.floor((traces * 24) / hours); // first trace of the last hour
const db = opt.database;

const { createEmbeddedClickHouse } = await importTs(
  'libs/store-clickhouse/src/clients.ts',
  'store-clickhouse-clients',
);
const client = createEmbeddedClickHouse(opt.path);

// Per span n: trace t = n / 10, position pos = n % 10 (0 root, 9 the LLM call).
const perSpan = `
  number AS n, intDiv(n, 10) AS t, n % 10 AS pos,
  lower(hex(MD5(concat('t', toString(t))))) AS tid,
  substring(lower(hex(MD5(concat('s', toString(n))))), 1, 16) AS sid,
  if(pos = 0, '', substring(lower(hex(MD5(concat('s', toString(t * 10))))), 1, 16)) AS parent,
  toInt64(${t0Ns}) + toInt64(t) * ${stepNs} + pos * 1000000 AS start_ns,
  multiIf(cityHash64(t, 'm') % 20 < 11, 'gpt-4o-mini', cityHash64(t, 'm') % 20 < 17, 'gpt-4.1', 'claude-sonnet-4-5') AS model,
  if(cityHash64(t, 'r') % 10 < 6, '2.3.1', '2.4.0') AS rel,
  pos = 9 AS llm,
  multiIf(model = 'gpt-4o-mini', 850, model = 'gpt-4.1', 1700, 2300)
    * exp(0.4 * randNormal(0, 1)) * if(t >= ${currentFrom} AND model = 'gpt-4.1', 1.5, 1) AS llm_ms,
  toUInt64(if(llm, llm_ms, 1 + rand() % 50) * 1000000) AS dur,
  rand(1) % 100 = 0 AS failed,
  toUInt32(300 + rand(2) % 400) AS in_tok,
  toUInt32(100 + rand(3) % 200) AS out_tok`;

async function timed(what, query, settings = {}) {
  const started = Date.now();
  await client.command({ query, clickhouse_settings: { max_execution_time: 3600, ...settings } });
  console.error(`[bench-data] ${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

await timed(
  `${traces * 10} spans`,
  `INSERT INTO ${db}.spans (project_id, start_time, trace_id, span_id, parent_span_id, end_time, duration_ns, name,
     kind, status, status_message, service_name, scope_name, scope_version, attributes, resource, events, is_llm,
     operation, provider, request_model, response_model, input_messages, output_messages, system_instructions,
     tool_calls, finish_reasons, input_tokens, output_tokens, total_tokens, usage_counted, cost_usd, convention,
     user_id, session_id, tags, metadata, prompt_name, prompt_version, release, environment)
   SELECT 'default', fromUnixTimestamp64Nano(start_ns), tid, sid, parent, fromUnixTimestamp64Nano(start_ns + dur), dur,
     if(llm, concat('chat ', model), ['POST /api/chat', 'retrieve', 'embed query', 'vector search', 'rerank',
       'tool lookup_order', 'tool get_balance', 'guardrail', 'format answer'][pos + 1]),
     if(pos = 0, 'server', if(llm, 'client', 'internal')), if(llm AND failed, 'error', 'ok'), '',
     'assistant-api', 'bench', '1.0.0', '{}', '{"service.name":"assistant-api"}', '[]', llm,
     if(llm, 'chat', ''), if(llm, if(model LIKE 'claude%', 'anthropic', 'openai'), ''),
     if(llm, model, ''), if(llm, model, ''),
     if(llm, '[{"role":"user","parts":[{"type":"text","content":"a question"}]}]', '[]'),
     if(llm, '[{"role":"assistant","parts":[{"type":"text","content":"an answer"}]}]', '[]'), '', '[]',
     if(llm, ['stop'], []), if(llm, in_tok, NULL), if(llm, out_tok, NULL), if(llm, in_tok + out_tok, NULL),
     llm, if(llm, in_tok * 0.15e-6 + out_tok * 0.6e-6, NULL), if(llm, 'otel-genai', ''),
     concat('user-', toString(cityHash64(t, 'u') % 5000)), concat('sess-', toString(intDiv(t, 4))), [], map(),
     '', '', rel, 'production'
   FROM (SELECT ${perSpan} FROM numbers(${traces * 10}))`,
);

// Vectors of the LLM spans (pos 9): cluster direction + noise, normalized; 10% of the last hour in a new cluster.
await timed(
  `${traces * 2} vectors (request and response of ${traces} calls)`,
  `INSERT INTO ${db}.vectors (project_id, span_id, field, trace_id, time, model, release, topic_id, vector)
   SELECT 'default', sid, field, tid, toDateTime64(fromUnixTimestamp64Nano(start_ns), 3, 'UTC'), model, rel, NULL,
     arrayMap(x -> toFloat32(x / sqrt(arraySum(arrayMap(y -> y * y, raw)))), raw)
   FROM (
     SELECT *, if(t >= ${currentFrom} AND cityHash64(t, 'new') % 10 = 0, 300, cityHash64(t, 'c') % 300) AS cluster,
       arrayMap(d -> (cityHash64(cluster, d, field) % 2001) / 1000.0 - 1
         + 0.8 * ((cityHash64(t, d, field, 'noise') % 2001) / 1000.0 - 1), range(384)) AS raw
     FROM (SELECT ${perSpan}, field FROM numbers(${traces * 10}) ARRAY JOIN ['request', 'response'] AS field
       WHERE n % 10 = 9)
   )`,
  // The HNSW graph is left out: building it took 190 s for 20k vectors here, and detection samples vectors by time
  // (no search), so the run reads the same rows with or without it. One insert block, one part: no merge builds it.
  {
    materialize_skip_indexes_on_insert: 0,
    max_insert_block_size: traces * 2,
    min_insert_block_size_rows: traces * 2,
  },
);

const counts = await (
  await client.query({
    query: `SELECT (SELECT count() FROM ${db}.spans) AS spans, (SELECT count() FROM ${db}.vectors) AS vectors`,
    format: 'JSONEachRow',
  })
).json();
console.error(`[bench-data] stored: ${JSON.stringify(counts[0])}`);
await client.close();
