// The load of bench/ingest as a function of its target, so bench/peers drives the same load at another product:
// worker threads sending OTLP/HTTP protobuf to 127.0.0.1:port/v1/traces, marker traces probed until the target's
// read API finds them, CPU of the target's threads over the measured window.

import { readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { cpuDelta, memoryOf, sleep, threadCpu } from './server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const now = () => performance.timeOrigin + performance.now();

/** Microseconds some task waited for CPU, machine-wide (PSI); null when unavailable. */
function cpuPressure() {
  try {
    return Number(/some .*total=(\d+)/.exec(readFileSync('/proc/pressure/cpu', 'utf8'))?.[1] ?? NaN);
  } catch {
    return null;
  }
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

// ---------------------------------------------------------------------------------------------------------
// Prober: asks the target's read API for marker traces after their 200, until the trace is there.

/** `target.visible(traceId)` resolves true once the target's read API returns the trace. */
function makeProber(target, cfg) {
  const found = [];
  let pending = 0;
  let lost = 0;
  const get = async (traceId) => ((await target.visible(traceId).catch(() => false)) ? 200 : 0);
  return {
    async probe({ traceId, sendAt, ackAt }) {
      pending++;
      let attempts = 0;
      try {
        const giveUpAt = ackAt + (cfg.probeTimeoutMs ?? 30_000);
        while (now() < giveUpAt) {
          attempts++;
          const status = await get(traceId);
          if (status === 200) {
            found.push({ traceId, sendAt, ackAt, visibleAt: now(), attempts });
            return;
          }
          await sleep(20);
        }
        lost++;
      } finally {
        pending--;
      }
    },
    pending: () => pending,
    /** Latency of GET /api/traces/{id} for already-visible traces, one at a time (no ingest load). */
    async idleLatencies(count) {
      const out = [];
      for (const f of found.slice(-count)) {
        const t = now();
        if ((await get(f.traceId)) === 200) out.push(now() - t);
      }
      return out.sort((a, b) => a - b);
    },
    found,
    lost: () => lost,
  };
}

// ---------------------------------------------------------------------------------------------------------

/**
 * Drives the load at `target` ({ port, apiKey, pid, visible(traceId) }) with `cfg` (workers,
 * connectionsPerWorker, spansPerRequest, templatesPerConnection, markerEvery, rateSpansPerSec, warmupS,
 * durationS, seedBase) and returns what it measured.
 */
export async function runLoad(target, cfg) {
  const server = target;
  const prober = makeProber(target, cfg);
  const results = [];
  const errors = {};
  const workers = [];
  const ready = [];
  const done = [];
  for (let w = 0; w < cfg.workers; w++) {
    const worker = new Worker(join(here, 'load-worker.mjs'), {
      workerData: {
        workerId: w,
        port: server.port,
        apiKey: server.apiKey,
        connections: cfg.connectionsPerWorker,
        spansPerRequest: cfg.spansPerRequest,
        templatesPerConnection: cfg.templatesPerConnection,
        markerEvery: cfg.markerEvery,
        seedBase: cfg.seedBase,
        spansPerSecond: cfg.rateSpansPerSec / cfg.workers,
      },
    });
    let onReady;
    let onDone;
    ready.push(new Promise((r) => (onReady = r)));
    done.push(new Promise((r) => (onDone = r)));
    worker.on('message', (m) => {
      if (m.type === 'ready') onReady(m);
      else if (m.type === 'results') results.push(m.results);
      else if (m.type === 'marker') void prober.probe(m);
      else if (m.type === 'done') {
        for (const [k, v] of Object.entries(m.errors)) errors[k] = (errors[k] ?? 0) + v;
        onDone();
      }
    });
    worker.on('error', (error) => {
      console.error(`load worker ${w} failed:`, error);
      onReady({});
      onDone();
    });
    workers.push(worker);
  }
  const readies = await Promise.all(ready);
  const t0 = now() + 100;
  const windowStart = t0 + cfg.warmupS * 1000;
  const windowEnd = windowStart + cfg.durationS * 1000;
  for (const worker of workers) worker.postMessage({ endAt: windowEnd });
  process.stdout.write(
    `load: ${cfg.workers} threads x ${cfg.connectionsPerWorker} connections, ` +
      `${cfg.rateSpansPerSec > 0 ? `offered ${cfg.rateSpansPerSec} spans/s` : 'closed loop'}, warm-up ${cfg.warmupS} s, window ${cfg.durationS} s ...`,
  );

  let cpuBefore;
  let genCpuBefore;
  let cpuAfter;
  let genCpuAfter;
  await sleep(windowStart - now());
  cpuBefore = threadCpu(server.pid);
  genCpuBefore = process.cpuUsage();
  const pressureBefore = cpuPressure();
  await sleep(windowEnd - now());
  cpuAfter = threadCpu(server.pid);
  genCpuAfter = process.cpuUsage(genCpuBefore);
  const pressureAfter = cpuPressure();
  const loadAverage = os.loadavg()[0];
  const generatorPeak = memoryOf('self').peakMiB;
  await Promise.all(done);
  const drainedAt = now();
  while (prober.pending() > 0 && now() - drainedAt < (cfg.probeTimeoutMs ?? 30_000) + 5_000) await sleep(50);
  const idle = await prober.idleLatencies(20);
  process.stdout.write(' done\n');
  for (const worker of workers) await worker.terminate();

  // Requests completed inside the window count; ack latency is theirs.
  let spans200 = 0;
  let requests200 = 0;
  let rejected429 = 0;
  let failed = 0;
  let acceptedTotal = 0;
  const statusCounts = {};
  const ack = [];
  for (const batch of results) {
    for (let i = 0; i < batch.length; i += 4) {
      const [sendAt, doneAt, status, spans] = [batch[i], batch[i + 1], batch[i + 2], batch[i + 3]];
      if (status === 200) acceptedTotal += spans;
      if (doneAt < windowStart || doneAt > windowEnd) continue;
      statusCounts[status] = (statusCounts[status] ?? 0) + 1;
      if (status === 200) {
        requests200++;
        spans200 += spans;
        ack.push(doneAt - sendAt);
      } else if (status === 429) rejected429++;
      else failed++;
    }
  }
  ack.sort((a, b) => a - b);
  const markers = prober.found.filter((f) => f.sendAt >= windowStart && f.sendAt <= windowEnd);
  const queryable = markers.map((f) => f.visibleAt - f.sendAt).sort((a, b) => a - b);
  const afterAck = markers.map((f) => f.visibleAt - f.ackAt).sort((a, b) => a - b);
  const cpu = cpuDelta(cpuBefore, cpuAfter);
  const windowS = cfg.durationS;
  const serverCpuCores = cpu ? Object.values(cpu.groups).reduce((a, b) => a + b, 0) / windowS : NaN;
  const spansPerSec = spans200 / windowS;
  return {
    bytesPerRequest: readies[0]?.bytesPerRequest,
    spansPerRequest: readies[0]?.spansPerRequest,
    statusCounts,
    transportErrors: errors,
    acceptedTotal,
    markersProbed: markers.length,
    markersLost: prober.lost(),
    probeAttemptsMean: markers.length ? markers.reduce((s, f) => s + f.attempts, 0) / markers.length : NaN,
    cpu,
    contention: {
      loadAverage1m: Number(loadAverage.toFixed(2)),
      cpuPressureSomePct:
        pressureBefore !== null && pressureAfter !== null
          ? ((pressureAfter - pressureBefore) / 1e6 / windowS) * 100
          : NaN,
    },
    metrics: {
      spansPerSec,
      requestsPerSec: requests200 / windowS,
      mbPerSec: (requests200 * (readies[0]?.bytesPerRequest ?? 0)) / windowS / 1e6,
      rejected429,
      errors: failed,
      ackP50Ms: percentile(ack, 50),
      ackP99Ms: percentile(ack, 99),
      queryableP50Ms: percentile(queryable, 50),
      queryableP99Ms: percentile(queryable, 99),
      ackToVisibleP50Ms: percentile(afterAck, 50),
      ackToVisibleP99Ms: percentile(afterAck, 99),
      queryIdleP50Ms: percentile(idle, 50),
      serverCpuCores,
      serverMainThreadCpu: cpu ? cpu.groups.main / windowS : NaN,
      serverCpuUsPerSpan: (serverCpuCores * 1e6) / spansPerSec,
      mainThreadUsPerSpan: cpu ? (cpu.groups.main * 1e6) / spans200 : NaN,
      // CPU-bound projection: all cores for the server, but the main JS thread is one core at most.
      projectedSpansPerSecAllCores: Math.min(
        (spansPerSec / serverCpuCores) * os.availableParallelism(),
        cpu ? spans200 / cpu.groups.main : NaN,
      ),
      generatorCpuCores: (genCpuAfter.user + genCpuAfter.system) / 1e6 / windowS,
      generatorPeakRssMiB: generatorPeak,
    },
  };
}
