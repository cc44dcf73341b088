#!/usr/bin/env node
// Soak: a freshly built embedded server on loopback, and for a bounded time, at once: valid exporters (protobuf and
// JSON, gzip and not, keep-alive) and abusive clients (malformed bodies, 1 byte/s bodies, mid-body disconnects, idle
// and silent connections, gzip bombs, unauthenticated and sign-in floods). Checks that every acknowledged span is
// stored, and reports peak RSS, throughput, 429/408/413 counts and the longest ingest stall against the bounds in
// bench/soak/README.md. Prints a final JSON line; exits 1 when a bound is broken. See bench/soak/README.md.

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clearInterval, setInterval } from 'node:timers';
import { parseArgs } from 'node:util';
import { memoryOf, nodeBinary, sleep, startServer } from '../ingest/lib/server.mjs';
import * as clients from './lib/clients.mjs';
import { Stats } from './lib/stats.mjs';
import { readStoredPairs } from './lib/stored.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');

/** The bounds this soak holds the server to; bench/soak/README.md says why these. */
export const BOUNDS = { peakRssMiB: 2048, longestStallMs: 5000, lostSpans: 0, recoveryMs: 10_000 };

const { values: opt } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    'spans-per-request': { type: 'string', default: '20' },
    'valid-pause-ms': { type: 'string', default: '50' },
    slow: { type: 'string', default: '16' },
    idle: { type: 'string', default: '40' },
    silent: { type: 'string', default: '8' },
    'no-build': { type: 'boolean', default: false },
    'keep-data': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (opt.help) {
  console.log(`node bench/soak/run.mjs [options]
  --minutes N             how long the clients run (10)
  --spans-per-request N   spans per valid export (20)
  --valid-pause-ms N      pause of each valid exporter between exports (50)
  --slow N                1 byte/s body connections (16)
  --idle N                idle keep-alive connections (40)
  --silent N              connections that never send a byte (8)
  --no-build              use dist/ as it is instead of building first
  --keep-data             keep the server's temp data dir and log`);
  process.exit(0);
}

const minutes = Number(opt.minutes);
if (!opt['no-build']) {
  const build = spawnSync(nodeBinary(root), [join(root, 'scripts/build.mjs')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error('build failed');
}
const adminPassword = randomBytes(18).toString('base64url');
const server = await startServer({ root, extraEnv: { DRIFTWATCH_BOOTSTRAP_ADMIN_PASSWORD: adminPassword } });
console.log(`soak: server pid ${server.pid} on ${server.base}, ${minutes} min; log ${server.logPath}`);

const startAt = Date.now();
const endAt = startAt + minutes * 60_000;
const ctx = {
  port: server.port,
  apiKey: server.apiKey,
  nonce: randomBytes(2).readUInt16BE(0) & 0x7fff,
  stats: new Stats(),
  acked: [],
  ackTimes: [],
  firstValidSendAt: null,
  sockets: new Set(),
  done: () => Date.now() >= endAt,
};

let peakRssMiB = 0;
const sampler = setInterval(() => {
  const { peakMiB, rssMiB } = memoryOf(server.pid);
  if (Number.isFinite(peakMiB)) peakRssMiB = Math.max(peakRssMiB, peakMiB, rssMiB);
}, 1000);
const progress = setInterval(() => {
  const elapsed = Math.round((Date.now() - startAt) / 1000);
  const spans = ctx.acked.reduce((n, pairs) => n + pairs.length, 0);
  console.log(`soak: ${elapsed}s, ${spans} spans acknowledged, RSS peak ${peakRssMiB.toFixed(0)} MiB`);
}, 30_000);

const spansPerRequest = Number(opt['spans-per-request']);
const pauseMs = Number(opt['valid-pause-ms']);
const many = (n, run) => Array.from({ length: n }, (_, i) => run(i));
const running = [
  ...[
    ['protobuf', false],
    ['protobuf', true],
    ['json', false],
    ['json', true],
  ].map(([format, gzip], id) => clients.validExporter(ctx, { id, format, gzip, spansPerRequest, pauseMs })),
  ...many(2, (id) => clients.malformedClient(ctx, { id })),
  ...many(Number(opt.slow), () => clients.slowBodyClient(ctx)),
  ...many(2, (id) => clients.disconnectingClient(ctx, { id })),
  ...many(Number(opt.idle), () => clients.idleConnection(ctx, { silent: false })),
  ...many(Number(opt.silent), () => clients.idleConnection(ctx, { silent: true })),
  clients.gzipBombClient(ctx),
  ...many(2, (id) => clients.unauthenticatedFlood(ctx, { id })),
  ...many(2, (id) => clients.signInFlood(ctx, { id })),
];
await sleep(endAt - Date.now());
for (const socket of ctx.sockets) socket.destroy();
await Promise.all(running);
clearInterval(progress);
const loadEndAt = Date.now();

// Ingest must work again once the abuse stops: one valid export, retried as an exporter would.
const recovery = await recoveryExport();
const health = await fetch(`${server.base}/healthz`)
  .then((r) => r.status)
  .catch(() => 0);
const serverAlive = server.exited() === null;
clearInterval(sampler);
const { peakMiB: finalPeak } = memoryOf(server.pid);
if (Number.isFinite(finalPeak)) peakRssMiB = Math.max(peakRssMiB, finalPeak);
const restMissing = await spotCheckViaRest(200);
const stop = await server.stop();

const ackedPairs = ctx.acked.flat();
const stored = await readStoredPairs(join(server.dataDir, 'data', 'clickhouse'));
const lost = ackedPairs.filter((pair) => !stored.has(pair));
const stall = longestGap(ctx.ackTimes, ctx.firstValidSendAt ?? startAt, endAt);
const seconds = (loadEndAt - startAt) / 1000;

const figures = {
  minutes,
  spansAcknowledged: ackedPairs.length,
  spansStored: stored.size,
  spansLost: lost.length,
  throughputSpansPerSec: Math.round(ackedPairs.length / seconds),
  peakRssMiB: Math.round(peakRssMiB),
  longestStallMs: stall.ms,
  longestStallAtS: Math.round((stall.at - startAt) / 1000),
  recoveryMs: recovery.ms,
  healthz: health,
  serverAliveAtEnd: serverAlive,
  serverExit: stop,
  restSpotCheckMissing: restMissing,
  status429: ctx.stats.total(429),
  status408: ctx.stats.total(408),
  status413: ctx.stats.total(413),
  status5xx: ctx.stats.total5xx(),
  byClient: ctx.stats.byKind(),
  held: ctx.stats.durations(),
  bounds: BOUNDS,
};
const broken = [];
if (figures.peakRssMiB >= BOUNDS.peakRssMiB) broken.push(`peak RSS ${figures.peakRssMiB} MiB`);
if (stall.ms >= BOUNDS.longestStallMs) broken.push(`ingest stalled ${stall.ms} ms`);
if (lost.length > BOUNDS.lostSpans)
  broken.push(`${lost.length} acknowledged spans not stored (e.g. ${lost[0]})`);
if (restMissing > 0) broken.push(`${restMissing} sampled acknowledged traces incomplete via the REST API`);
if (recovery.ms === null || recovery.ms >= BOUNDS.recoveryMs)
  broken.push(`no 200 within ${BOUNDS.recoveryMs} ms after the load`);
if (figures.status5xx > 0) broken.push(`${figures.status5xx} 5xx answers`);
if (!serverAlive || health !== 200) broken.push('server not alive and healthy at the end');
figures.broken = broken;
figures.pass = broken.length === 0;

console.log(ctx.stats.table());
if (broken.length)
  console.log(`soak: BOUNDS BROKEN: ${broken.join('; ')}\nserver log tail:\n${server.logTail(20)}`);
if (!opt['keep-data']) rmSync(server.dataDir, { recursive: true, force: true });
console.log(JSON.stringify(figures));
process.exit(figures.pass ? 0 : 1);

/** Largest interval in [from, to] without a successful valid export. */
function longestGap(times, from, to) {
  const sorted = [...times].sort((a, b) => a - b);
  let best = { ms: 0, at: from };
  let previous = from;
  for (const t of [...sorted.filter((x) => x <= to), to]) {
    if (t - previous > best.ms) best = { ms: t - previous, at: previous };
    previous = Math.max(previous, t);
  }
  return best;
}

async function recoveryExport() {
  const stopAt = Date.now() + BOUNDS.recoveryMs * 3;
  const started = Date.now();
  const before = ctx.ackTimes.length;
  const probe = {
    ...ctx,
    stats: new Stats(),
    done: () => ctx.ackTimes.length > before || Date.now() > stopAt,
  };
  await clients.validExporter(probe, {
    id: 99,
    format: 'protobuf',
    gzip: false,
    spansPerRequest,
    pauseMs: 0,
  });
  return { ms: ctx.ackTimes.length > before ? Date.now() - started : null };
}

/** A sample of acknowledged traces read back through GET /api/traces/{id}; returns how many were incomplete. */
async function spotCheckViaRest(samples) {
  const byTrace = new Map();
  for (const pair of ctx.acked.flat()) {
    const [traceId, spanId] = pair.split(':');
    byTrace.set(traceId, [...(byTrace.get(traceId) ?? []), spanId]);
  }
  const traceIds = [...byTrace.keys()];
  let missing = 0;
  for (let i = 0; i < Math.min(samples, traceIds.length); i++) {
    const traceId = traceIds[Math.floor((i / samples) * traceIds.length)];
    const res = await fetch(`${server.base}/api/traces/${traceId}`, {
      headers: { authorization: `Bearer ${server.apiKey}` },
    }).catch(() => null);
    const spans = res?.status === 200 ? (await res.json()).spans.map((s) => s.spanId) : [];
    if (!byTrace.get(traceId).every((id) => spans.includes(id))) missing++;
  }
  return missing;
}
