// The soak's clients. Each runs until ctx.done() and records what the server answered in ctx.stats under its
// kind: an HTTP status, or 'reset' / 'timeout' / 'closed' / 'disconnected' when no status came back.

import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { clearInterval, setInterval } from 'node:timers';
import { gzipSync } from 'node:zlib';
import { sleep } from '../../ingest/lib/server.mjs';
import { soakTemplate } from './templates.mjs';

const GUARD_MS = 60_000; // no request may hang longer than this; a hang is recorded as 'timeout'

/** One HTTP request on `agent`; resolves with the status (0 when none), body and Retry-After. */
function send(ctx, { agent, method = 'POST', path, headers, body }) {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: ctx.port,
        method,
        path,
        agent,
        headers: { ...headers, 'content-length': body?.length ?? 0 },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            body: Buffer.concat(chunks),
            retryAfter: Number(res.headers['retry-after'] ?? 1),
          }),
        );
        res.on('error', () => resolve({ status: 0, error: 'reset' }));
      },
    );
    req.setTimeout(GUARD_MS, () => req.destroy(new Error('timeout')));
    req.on('error', (error) =>
      resolve({ status: 0, error: error.message === 'timeout' ? 'timeout' : 'reset' }),
    );
    req.end(body);
  });
}

const outcome = (res) => (res.status ? res.status : res.error);

/**
 * An OTLP/HTTP exporter: keep-alive, fresh trace ids per export, the same payload retried after 429/503
 * (Retry-After) or a connection error, as the OTel exporters do. Every 200 records the request's
 * (trace id, span id) pairs in ctx.acked and its time in ctx.ackTimes.
 */
export async function validExporter(ctx, { id, format, gzip, spansPerRequest, pauseMs }) {
  const kind = `valid ${format}${gzip ? '+gzip' : ''}`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const templates = [0, 1, 2].map((t) => soakTemplate({ seed: 7000 + id * 10 + t, spansPerRequest, format }));
  const headers = {
    'content-type': format === 'json' ? 'application/json' : 'application/x-protobuf',
    authorization: `Bearer ${ctx.apiKey}`,
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
  };
  for (let seq = 0; !ctx.done(); seq++) {
    const { body, pairs } = templates[seq % templates.length].stamp((ctx.nonce << 8) | id, seq);
    const payload = gzip ? gzipSync(body) : body;
    while (!ctx.done()) {
      ctx.firstValidSendAt ??= Date.now();
      const res = await send(ctx, { agent, path: '/v1/traces', headers, body: payload });
      ctx.stats.record(kind, outcome(res));
      if (res.status === 200) {
        if (rejectedIn(res.body, format)) ctx.stats.record(kind, 'partially rejected');
        else ctx.acked.push(pairs);
        ctx.ackTimes.push(Date.now());
        break;
      }
      if (res.status !== 429 && res.status !== 503 && res.status !== 0) break; // a 4xx: nothing to retry
      await sleep(res.status ? Math.min(res.retryAfter, 5) * 1000 : 500);
    }
    await sleep(pauseMs);
  }
  agent.destroy();
}

/** True when an ExportTraceServiceResponse reports rejected spans (a valid body should have none). */
function rejectedIn(body, format) {
  if (format === 'json') return /"rejectedSpans":\s*"?[1-9]/.test(body.toString('utf8'));
  // partial_success (field 1) { rejected_spans (field 1, varint) }: 0x0a <len> 0x08 <count>; zero is omitted
  return body.length >= 4 && body[0] === 0x0a && body[2] === 0x08 && body[3] !== 0;
}

/** Garbage and truncated protobuf with a valid key: each should get a 400. */
export async function malformedClient(ctx, { id }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const template = soakTemplate({ seed: 9000 + id, spansPerRequest: 10, format: 'protobuf' });
  const headers = { 'content-type': 'application/x-protobuf', authorization: `Bearer ${ctx.apiKey}` };
  for (let n = 0; !ctx.done(); n++) {
    const { body } = template.stamp(0xbad, n);
    const garbage =
      n % 3 === 0 ? randomBytes(1 + (n % 4096)) : body.subarray(0, 1 + ((n * 7919) % (body.length - 1)));
    ctx.stats.record(
      'malformed',
      outcome(await send(ctx, { agent, path: '/v1/traces', headers, body: garbage })),
    );
    await sleep(20);
  }
  agent.destroy();
}

/** A raw connection: the request head, then the body as the caller decides; resolves with the status line's code. */
function rawRequest(ctx, head, feed) {
  return new Promise((resolve) => {
    const socket = net.connect(ctx.port, '127.0.0.1');
    ctx.sockets.add(socket);
    let status = null;
    const timers = [];
    socket.on('connect', () => {
      socket.write(head);
      feed(socket, timers, () => resolve('disconnected'));
    });
    socket.on('data', (data) => {
      status ??= Number(/^HTTP\/1\.1 (\d{3})/.exec(data.toString('latin1'))?.[1] ?? 0) || 'garbled';
      socket.destroy();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      timers.forEach(clearInterval);
      ctx.sockets.delete(socket);
      resolve(status ?? 'closed');
    });
  });
}

const otlpHead = (ctx, length) =>
  `POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${ctx.apiKey}\r\n` +
  `Content-Type: application/x-protobuf\r\nContent-Length: ${length}\r\n\r\n`;

/** Sends a 100 kB body at 1 byte per second; reconnects when the server ends it (408 expected). */
export async function slowBodyClient(ctx) {
  while (!ctx.done()) {
    const started = Date.now();
    const result = await rawRequest(ctx, otlpHead(ctx, 100_000), (socket, timers) => {
      timers.push(setInterval(() => (ctx.done() ? socket.destroy() : socket.write('\x0a')), 1000));
    });
    ctx.stats.record('slow body', ctx.done() ? 'open at end' : result);
    ctx.stats.duration('slow body held (s)', (Date.now() - started) / 1000);
    await sleep(1000);
  }
}

/** Announces 200 kB, sends part of it and drops the connection. */
export async function disconnectingClient(ctx, { id }) {
  const template = soakTemplate({ seed: 9500 + id, spansPerRequest: 50, format: 'protobuf' });
  for (let n = 0; !ctx.done(); n++) {
    const { body } = template.stamp(0xd15c, n);
    const result = await rawRequest(ctx, otlpHead(ctx, 200_000), (socket, timers, gone) => {
      socket.write(body.subarray(0, Math.min(body.length, 1 + ((n * 104729) % 50_000))));
      timers.push(
        setTimeout(
          () => {
            socket.destroy();
            gone();
          },
          20 + (n % 300),
        ),
      );
    });
    ctx.stats.record('disconnect mid-body', result);
    await sleep(100);
  }
}

/**
 * Keep-alive connections that make one request and then sit idle, and connections that never send a byte.
 * Records how each ended ('closed' by the server, or a status such as 408) and how long it was held.
 */
export async function idleConnection(ctx, { silent }) {
  const kind = silent ? 'silent connection' : 'idle keep-alive';
  const head = silent ? '' : 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n';
  while (!ctx.done()) {
    const started = Date.now();
    const result = await new Promise((resolve) => {
      const socket = net.connect(ctx.port, '127.0.0.1');
      ctx.sockets.add(socket);
      let answered = false;
      let status = null;
      socket.on('connect', () => head && socket.write(head));
      socket.on('data', (data) => {
        const code = /^HTTP\/1\.1 (\d{3})/.exec(data.toString('latin1'))?.[1];
        if (!answered && !silent)
          answered = true; // the /healthz answer; now idle
        else status ??= Number(code) || 'garbled';
      });
      socket.on('error', () => {});
      socket.on('close', () => {
        ctx.sockets.delete(socket);
        resolve(status ?? 'closed');
      });
    });
    ctx.stats.record(kind, ctx.done() ? 'open at end' : result);
    ctx.stats.duration(`${kind} held (s)`, (Date.now() - started) / 1000);
    await sleep(500);
  }
}

let bomb;
/** 80 MiB of zeros gzipped to ~80 KB, past the default 64 MiB decompressed limit: 413 expected. */
export async function gzipBombClient(ctx) {
  bomb ??= gzipSync(Buffer.alloc(80 * 1024 * 1024), { level: 9 });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const headers = {
    'content-type': 'application/x-protobuf',
    'content-encoding': 'gzip',
    authorization: `Bearer ${ctx.apiKey}`,
  };
  while (!ctx.done()) {
    ctx.stats.record(
      'gzip bomb',
      outcome(await send(ctx, { agent, path: '/v1/traces', headers, body: bomb })),
    );
    await sleep(500);
  }
  agent.destroy();
}

/** Valid bodies without a key, or with an unknown one, as fast as the server answers: 401 expected. */
export async function unauthenticatedFlood(ctx, { id }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const { body } = soakTemplate({ seed: 9900 + id, spansPerRequest: 10, format: 'protobuf' }).stamp(
    0xf100d,
    id,
  );
  for (let n = 0; !ctx.done(); n++) {
    const headers = { 'content-type': 'application/x-protobuf' };
    if (n % 2) headers.authorization = `Bearer dw_${randomBytes(24).toString('base64url')}`;
    ctx.stats.record(
      'unauthenticated',
      outcome(await send(ctx, { agent, path: '/v1/traces', headers, body })),
    );
    await sleep(2);
  }
  agent.destroy();
}

/** Wrong passwords for the admin and for made-up emails: 401, then 429 with Retry-After. */
export async function signInFlood(ctx, { id }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  for (let n = 0; !ctx.done(); n++) {
    const email = n % 2 ? 'admin@localhost' : `nobody-${id}-${n}@example.com`;
    const body = Buffer.from(JSON.stringify({ email, password: `wrong-password-${n}` }));
    const res = await send(ctx, {
      agent,
      path: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      body,
    });
    ctx.stats.record('sign-in flood', outcome(res));
    await sleep(10);
  }
  agent.destroy();
}

export { send };
