/**
 * A tiny OTLP/HTTP receiver for tests: records every request's raw body and headers and answers 200 with an
 * empty ExportTraceServiceResponse (protobuf or JSON, matching the request). Accepts any path, so the same
 * server takes /v1/traces, /v1/logs and /v1/metrics; `traces()` decodes the trace exports.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OtlpTraceRequest } from '@driftwatch/contracts';
import { decodeLogsRequest, decodeTraceRequest, type OtlpLogsRequest } from './otlp-decode.ts';

export interface CapturedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  receivedAt: number;
}

export interface OtlpCapture {
  /** Base URL without a path, e.g. http://127.0.0.1:4318 (exporters append /v1/traces). */
  endpoint: string;
  /** Full traces URL, for exporters that take the signal URL. */
  tracesUrl: string;
  requests: CapturedRequest[];
  /** Decoded trace export requests received so far (optionally only those carrying this bearer token). */
  traces(options?: { apiKey?: string }): OtlpTraceRequest[];
  /** Decoded logs export requests (/v1/logs) received so far, filtered like `traces`. */
  logs(options?: { apiKey?: string }): OtlpLogsRequest[];
  /** Resolves once `predicate` holds for the captured requests, or rejects after `timeoutMs`. */
  waitFor(predicate: (requests: CapturedRequest[]) => boolean, timeoutMs?: number): Promise<void>;
  clear(): void;
  close(): Promise<void>;
}

export async function startOtlpCapture(
  options: { port?: number; host?: string; status?: number } = {},
): Promise<OtlpCapture> {
  const requests: CapturedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        path: (req.url ?? '/').split('?')[0] ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks),
        receivedAt: Date.now(),
      });
      const json = (req.headers['content-type'] ?? '').includes('json');
      res.writeHead(options.status ?? 200, {
        'content-type': json ? 'application/json' : 'application/x-protobuf',
      });
      res.end(json ? '{}' : Buffer.alloc(0));
    });
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;

  return {
    endpoint,
    tracesUrl: `${endpoint}/v1/traces`,
    requests,
    traces: ({ apiKey } = {}) =>
      requests
        .filter((r) => r.path === '/v1/traces' && r.body.length > 0)
        .filter((r) => apiKey === undefined || r.headers.authorization === `Bearer ${apiKey}`)
        .map((r) =>
          decodeTraceRequest(r.body, String(r.headers['content-type'] ?? ''), r.headers['content-encoding']),
        ),
    logs: ({ apiKey } = {}) =>
      requests
        .filter((r) => r.path === '/v1/logs' && r.body.length > 0)
        .filter((r) => apiKey === undefined || r.headers.authorization === `Bearer ${apiKey}`)
        .map((r) =>
          decodeLogsRequest(r.body, String(r.headers['content-type'] ?? ''), r.headers['content-encoding']),
        ),
    waitFor: async (predicate, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(requests)) {
        if (Date.now() > deadline)
          throw new Error(
            `OTLP capture: condition not met within ${timeoutMs} ms (${requests.length} requests)`,
          );
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    clear: () => {
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
