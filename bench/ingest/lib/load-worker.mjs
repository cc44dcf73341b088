// Load generator thread: `connections` closed-loop clients, each with its own keep-alive socket and its own
// pre-encoded request bodies (re-stamped with fresh trace ids before every send). Stops by itself at `endAt`.
//
// Reports to the parent: every marker request right away ({type:'marker'}), request outcomes in batches
// ({type:'results'}: flat [sendAt, doneAt, status, spans] quadruples, epoch ms), then {type:'done'}.

import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { parentPort, workerData } from 'node:worker_threads';
import { buildTemplate } from './spans.mjs';

const {
  workerId,
  port,
  apiKey,
  connections,
  spansPerRequest,
  templatesPerConnection,
  markerEvery,
  seedBase,
  spansPerSecond, // this thread's share of --rate; 0 = closed loop, each connection sends as soon as it may
} = workerData;

const now = () => performance.timeOrigin + performance.now();
const agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
const runNonce = (Math.random() * 0xffff) | 0;

// Templates: built before the first send, so encoding never competes with the measured load.
const pools = [];
for (let c = 0; c < connections; c++) {
  const pool = [];
  for (let t = 0; t < templatesPerConnection; t++) {
    pool.push(buildTemplate({ seed: seedBase + workerId * 10_000 + c * 100 + t, spansPerRequest }));
  }
  pools.push(pool);
}
parentPort.postMessage({
  type: 'ready',
  bytesPerRequest: pools[0][0].body.length,
  spansPerRequest: pools[0][0].spans,
});
/** Epoch ms at which clients stop sending; given by the parent once every thread is ready. */
const endAt = await new Promise((resolve) => parentPort.once('message', (message) => resolve(message.endAt)));

let results = [];
let sequence = 0;
const flush = () => {
  if (results.length) parentPort.postMessage({ type: 'results', results });
  results = [];
};
const flusher = setInterval(flush, 250);

function post(body) {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/traces',
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-protobuf',
          'content-length': body.length,
          authorization: `Bearer ${apiKey}`,
        },
      },
      (res) => {
        res.on('data', () => {});
        res.on('end', () =>
          resolve({ status: res.statusCode, retryAfter: Number(res.headers['retry-after'] ?? 0) }),
        );
        res.on('error', (error) => resolve({ status: 0, error: error.message }));
      },
    );
    req.setTimeout(120_000, () => req.destroy(new Error('timeout')));
    req.on('error', (error) => resolve({ status: 0, error: error.message }));
    req.end(body);
  });
}

// Open loop (--rate): requests are scheduled every `interval` ms; a connection takes the next slot and waits
// for it. When the server falls behind, slots are in the past and sending degrades to closed loop.
const interval = spansPerSecond > 0 ? (spansPerRequest / spansPerSecond) * 1000 : 0;
let nextSlot = now();

const errors = new Map();
async function client(c) {
  const pool = pools[c];
  let turn = 0;
  while (now() < endAt) {
    if (interval > 0) {
      const slot = nextSlot;
      nextSlot += interval;
      if (slot > now()) await new Promise((r) => setTimeout(r, slot - now()));
      if (now() >= endAt) break;
    }
    const template = pool[turn++ % pool.length];
    const seq = sequence++;
    // Stamp: [run nonce:16 | worker:8 | connection:8] [request sequence:32] -> unique per request.
    const markerId = template.stamp(((runNonce << 16) | (workerId << 8) | c) >>> 0, seq);
    const isMarker = seq % markerEvery === 0;
    const sendAt = now();
    const res = await post(template.body);
    const doneAt = now();
    results.push(sendAt, doneAt, res.status, template.spans);
    if (isMarker && res.status === 200)
      parentPort.postMessage({ type: 'marker', traceId: markerId, sendAt, ackAt: doneAt });
    if (res.status === 0) errors.set(res.error, (errors.get(res.error) ?? 0) + 1);
    if (res.status === 429 || res.status === 503) {
      // Back off as an OTLP exporter would (Retry-After), but never past the end of the run.
      const wait = Math.min((res.retryAfter || 1) * 1000, Math.max(0, endAt - now()));
      await new Promise((r) => setTimeout(r, wait));
    } else if (res.status === 0) {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

await Promise.all(Array.from({ length: connections }, (_, c) => client(c)));
clearInterval(flusher);
flush();
agent.destroy();
parentPort.postMessage({ type: 'done', errors: Object.fromEntries(errors) });
