/**
 * A local server speaking Driftwatch's POST /api/feedback contract (issue 11) until the real endpoint is on this
 * branch: bearer key, one item or {"items": [...]} (at most 500), 400 naming the field, items stored once per
 * idempotency key, 200 {"accepted", "duplicates", "ids"}. Throttles the first `throttleFirst` requests with 429 and
 * Retry-After, as a saturated server does.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FeedbackRequest {
  status: number;
  authorization: string | undefined;
  /** The items of the request body, as sent. */
  items: Record<string, unknown>[];
}

export interface FakeFeedbackServer {
  url: string;
  requests: FeedbackRequest[];
  /** Stored items by idempotency key (a retried item is stored once). */
  stored: Map<string, Record<string, unknown>>;
  close(): Promise<void>;
}

const NAME = /^[A-Za-z0-9_.:-]{1,64}$/;

export async function startFakeFeedbackServer(options: {
  apiKey: string;
  port: number;
  throttleFirst?: number;
  retryAfterSeconds?: number;
}): Promise<FakeFeedbackServer> {
  const requests: FeedbackRequest[] = [];
  const stored = new Map<string, Record<string, unknown>>();
  let throttled = 0;
  let nextId = 1;

  const server = createServer((req, res) => {
    void readJson(req).then((body) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method === 'POST' && path === '/v1/traces') return send(res, 200, {});
      if (req.method !== 'POST' || path !== '/api/feedback') return send(res, 404, { message: 'not found' });
      const items = Array.isArray((body as { items?: unknown })?.items)
        ? ((body as { items: Record<string, unknown>[] }).items ?? [])
        : [body as Record<string, unknown>];
      const record = (status: number) =>
        requests.push({ status, authorization: req.headers.authorization, items });
      if (req.headers.authorization !== `Bearer ${options.apiKey}`) {
        record(401);
        return send(res, 401, { message: 'missing or unknown API key' });
      }
      if (throttled < (options.throttleFirst ?? 0)) {
        throttled += 1;
        record(429);
        res.setHeader('retry-after', String(options.retryAfterSeconds ?? 1));
        return send(res, 429, { message: 'too many requests' });
      }
      const invalid = items.length > 500 ? 'items: at most 500' : items.map(invalidField).find(Boolean);
      if (invalid) {
        record(400);
        return send(res, 400, { message: invalid });
      }
      let duplicates = 0;
      const ids = items.map((item) => {
        const key = String(item.idempotencyKey ?? `generated-${nextId}`);
        const existing = stored.get(key);
        if (existing) {
          duplicates += 1;
          return String(existing.id);
        }
        stored.set(key, { ...item, id: `fb_${nextId++}` });
        return String(stored.get(key)?.id);
      });
      record(200);
      send(res, 200, { accepted: items.length - duplicates, duplicates, ids });
    });
  });
  await new Promise<void>((r) => server.listen(options.port, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stored,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function invalidField(item: Record<string, unknown>): string | undefined {
  if (item.traceId === undefined && item.spanId === undefined)
    return 'traceId: traceId or spanId is required';
  if (item.traceId !== undefined && !/^[0-9a-f]{32}$/.test(String(item.traceId))) return 'traceId: 32 hex';
  if (item.spanId !== undefined && !/^[0-9a-f]{16}$/.test(String(item.spanId))) return 'spanId: 16 hex';
  if (typeof item.name !== 'string' || !NAME.test(item.name)) return 'name: 1..64 of [A-Za-z0-9_.:-]';
  const value = item.value;
  if (!['number', 'boolean', 'string'].includes(typeof value)) return 'value: number, boolean or string';
  if (typeof value === 'string' && value.length > 256) return 'value: at most 256 characters';
  if (typeof item.idempotencyKey === 'string' && item.idempotencyKey.length > 128)
    return 'idempotencyKey: too long';
  return undefined;
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'));
      } catch {
        resolve(null);
      }
    });
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
