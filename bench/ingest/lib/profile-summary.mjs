// Summarizes a V8 .cpuprofile of the server: self time per function (mapped back to the TypeScript sources
// through dist/server/main.js.map) and time per pipeline stage. Standalone use:
//   node bench/ingest/lib/profile-summary.mjs <file.cpuprofile> [top]

import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

// Stage of a frame, from its original source (or URL for packages). First match from the leaf upward wins.
const STAGES = [
  [/libs\/otlp\//, 'decode (libs/otlp)'],
  [/libs\/normalize\//, 'normalize (libs/normalize)'],
  [/libs\/store-clickhouse\/src\/span-row/, 'insert rows: toSpanRow + its JSON.stringify'],
  [/@clickhouse\/client/, 'insert body: JSONEachRow encoding (@clickhouse/client)'],
  [/node_modules\/chdb\//, 'chDB connection (JS side: body concat, native call)'],
  [/libs\/(pipeline|queue-memory)\//, 'queue + batching writer'],
  [/libs\/store-clickhouse\//, 'store (reads, key store)'],
  [/apps\/server\/src\/otlp\//, 'OTLP receiver (auth, glue)'],
  [/apps\/server\/src\/(api|common)\//, 'REST API (prober reads)'],
  [/apps\/server\/src\//, 'server glue'],
  [
    /node_modules\/(fastify|@fastify|@nestjs|find-my-way|avvio|light-my-request|rxjs|reflect-metadata|fast-|toad-cache|abstract-logging|pino|secure-json-parse)/,
    'HTTP: Fastify + Nest',
  ],
  [/node_modules\/zod/, 'validation (zod)'],
];

function loadSourceMap(url, cache) {
  if (cache.has(url)) return cache.get(url);
  let map = null;
  try {
    if (url.startsWith('file://')) {
      const path = `${fileURLToPath(url)}.map`;
      if (existsSync(path)) map = new SourceMap(JSON.parse(readFileSync(path, 'utf8')));
    }
  } catch {
    map = null;
  }
  cache.set(url, map);
  return map;
}

export function summarizeProfile(file, top = 25) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const maps = new Map();

  // Original location of each node's frame.
  const where = new Map();
  for (const n of profile.nodes) {
    const { url, lineNumber, columnNumber, functionName } = n.callFrame;
    let source = url;
    let line = lineNumber + 1;
    const map = url ? loadSourceMap(url, maps) : null;
    if (map && lineNumber >= 0) {
      const entry = map.findEntry(lineNumber, columnNumber);
      if (entry && entry.originalSource) {
        source = entry.originalSource;
        line = entry.originalLine + 1;
      }
    }
    const tidy = (s) =>
      s
        .replace(/^file:\/\//, '')
        .replace(/^.*?\/((apps|libs)\/)/, '$1')
        .replace(/^.*node_modules\//, 'node_modules/');
    // Packages keep their own path (their source maps point at paths relative to the package).
    const pkg = /node_modules\/((@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
    source =
      pkg && !source.includes('node_modules/')
        ? `node_modules/${pkg}/${tidy(source).replace(/^(\.\.\/)+/, '')}`
        : tidy(source);
    where.set(n.id, { name: functionName || '(anonymous)', source, line });
  }

  const stageOfNode = new Map();
  const stageOf = (id) => {
    if (stageOfNode.has(id)) return stageOfNode.get(id);
    const name = nodes.get(id).callFrame.functionName;
    let stage = null;
    if (name === '(garbage collector)') stage = 'GC (main thread)';
    else if (name === '(idle)') stage = 'idle';
    else if (name === '(program)') stage = '(program): native, not attributed to JS';
    else {
      for (let cur = id; cur !== undefined && !stage; cur = parent.get(cur)) {
        const { source } = where.get(cur);
        for (const [re, s] of STAGES) {
          if (re.test(source)) {
            stage = s;
            break;
          }
        }
      }
      if (!stage) {
        let internal = false;
        for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
          if (where.get(cur).source.startsWith('node:')) internal = true;
        }
        stage = internal ? 'Node internals (http, net, streams, timers)' : 'other';
      }
    }
    stageOfNode.set(id, stage);
    return stage;
  };

  const selfUs = new Map();
  const stageUs = new Map();
  let totalUs = 0;
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    const dt = timeDeltas[i + 1] ?? 0;
    const id = samples[i];
    totalUs += dt;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
    const stage = stageOf(id);
    stageUs.set(stage, (stageUs.get(stage) ?? 0) + dt);
  }
  const idleUs = stageUs.get('idle') ?? 0;
  const busyUs = totalUs - idleUs;

  const byFunction = new Map();
  for (const [id, us] of selfUs) {
    const w = where.get(id);
    const key = `${w.name}  ${w.source ? `${w.source}:${w.line}` : '(native)'}`;
    const entry = byFunction.get(key) ?? { us: 0, stage: stageOf(id) };
    entry.us += us;
    byFunction.set(key, entry);
  }
  const pct = (us) => `${((100 * us) / busyUs).toFixed(1)}%`;
  const lines = [];
  lines.push(
    `profile ${file}: ${(totalUs / 1e6).toFixed(1)} s sampled on the main thread, ${(busyUs / 1e6).toFixed(1)} s busy (${((100 * busyUs) / totalUs).toFixed(0)}%)`,
  );
  lines.push('', 'Main-thread time by stage (% of busy time):');
  for (const [stage, us] of [...stageUs].filter(([s]) => s !== 'idle').sort((a, b) => b[1] - a[1])) {
    lines.push(`  ${pct(us).padStart(6)}  ${(us / 1e3).toFixed(0).padStart(7)} ms  ${stage}`);
  }
  lines.push('', `Top ${top} functions by self time (% of busy time):`);
  const ranked = [...byFunction].filter(([, e]) => e.stage !== 'idle').sort((a, b) => b[1].us - a[1].us);
  for (const [key, { us, stage }] of ranked.slice(0, top)) {
    lines.push(`  ${pct(us).padStart(6)}  ${key}   [${stage}]`);
  }
  return {
    text: lines.join('\n'),
    stages: Object.fromEntries([...stageUs].map(([s, us]) => [s, us / busyUs])),
    busySeconds: busyUs / 1e6,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(summarizeProfile(process.argv[2], Number(process.argv[3] ?? 25)).text);
}
