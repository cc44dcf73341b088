// In-process ceilings: how fast this machine decodes (and normalizes, and encodes the insert body for) the
// same request bodies the load generator sends, with no HTTP and no storage.
//
// The TypeScript libs use relative `.js` imports and tsconfig path aliases, which Node's type stripping does
// not resolve, so a tiny entry is bundled with esbuild (the options of scripts/build.mjs) into a temp file.
// Packages stay external but are rewritten to absolute paths, so the bundle loads from outside the repository.

import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';

/** `extraExports`: more `export ... from ...;` lines for the entry (other scripts' needs). */
export async function loadLibs(root, extraExports = []) {
  const dir = mkdtempSync(join(tmpdir(), 'driftwatch-bench-libs-'));
  const requireFromRoot = createRequire(join(root, 'package.json'));
  const contents = [
    `export { decodeTraceRequestProtobuf } from '@driftwatch/otlp';`,
    `export { normalizeTraceRequest } from '@driftwatch/normalize';`,
    `export { toSpanRow } from '${join(root, 'libs/store-clickhouse/src/span-row.ts')}';`,
    `export { encodeSpansRowBinary } from '${join(root, 'libs/store-clickhouse/src/span-row-binary.ts')}';`,
    ...extraExports,
    '',
  ].join('\n');
  const outfile = join(dir, 'libs.mjs');
  await build({
    stdin: { contents, loader: 'ts', resolveDir: root, sourcefile: 'bench-libs-entry.ts' },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    tsconfig: join(root, 'tsconfig.json'),
    logLevel: 'warning',
    plugins: [
      {
        name: 'absolute-externals',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) => {
            if (args.path.startsWith('@driftwatch/')) return undefined; // tsconfig paths: bundled
            if (args.path.startsWith('node:')) return { path: args.path, external: true };
            return { path: requireFromRoot.resolve(args.path), external: true };
          });
        },
      },
    ],
  });
  try {
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs each stage over `bodies` (round robin) for `seconds`; returns spans per CPU-second and per wall second:
 * decode; decode+normalize; decode+normalize+insert encoding (toSpanRow + JSON.stringify per row, as the
 * ClickHouse client builds a JSONEachRow body for a ClickHouse server); decode+normalize+RowBinary (the
 * embedded writer's insert body).
 */
export async function measureCeilings(root, bodies, seconds) {
  const libs = await loadLibs(root);
  const stages = {
    decode: (body) => libs.decodeTraceRequestProtobuf(body).resourceSpans[0].scopeSpans[0].spans.length,
    decodeNormalize: (body) =>
      libs.normalizeTraceRequest(libs.decodeTraceRequestProtobuf(body), { projectId: 'bench' }).records
        .length,
    decodeNormalizeEncode: (body) => {
      const { records } = libs.normalizeTraceRequest(libs.decodeTraceRequestProtobuf(body), {
        projectId: 'bench',
      });
      let bytes = 0;
      for (const record of records) bytes += JSON.stringify(libs.toSpanRow(record)).length + 1;
      return bytes > 0 ? records.length : 0;
    },
    // What the embedded writer builds now: one RowBinary buffer per insert.
    decodeNormalizeRowBinary: (body) => {
      const { records } = libs.normalizeTraceRequest(libs.decodeTraceRequestProtobuf(body), {
        projectId: 'bench',
      });
      return libs.encodeSpansRowBinary(records).length > 0 ? records.length : 0;
    },
  };
  const out = {};
  for (const [name, run] of Object.entries(stages)) {
    // Warm up for a third of the measured time: on a busy machine the optimizing compiler's threads are slow.
    const warmUntil = performance.now() + (seconds * 1000) / 3;
    for (let w = 0; performance.now() < warmUntil; w++) run(bodies[w % bodies.length]);
    let spans = 0;
    let i = 0;
    const cpu = process.cpuUsage();
    const started = performance.now();
    const until = started + seconds * 1000;
    while (performance.now() < until) spans += run(bodies[i++ % bodies.length]);
    const wallS = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const cpuS = (used.user + used.system) / 1e6;
    // Per CPU-second of this process (the loop's thread plus V8's GC helpers): robust to other load on the
    // machine, unlike the wall-clock rate, which is also returned.
    out[name] = { perCpuSecond: spans / cpuS, perWallSecond: spans / wallS };
  }
  return out;
}
