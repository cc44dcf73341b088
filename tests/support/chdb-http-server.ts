import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createChdbConnection } from 'chdb/connection';
import { freePort } from './driftwatch-server.js';

/** URL parameters of ClickHouse's HTTP interface that are not settings. */
const NOT_SETTINGS = new Set([
  'query',
  'query_id',
  'database',
  'session_id',
  'session_timeout',
  'user',
  'password',
]);

/**
 * ClickHouse's engine (chDB, the ClickHouse build the embedded mode runs) behind the part of ClickHouse's HTTP
 * interface that @clickhouse/client speaks: POST with the statement in the body (or in ?query= with the rows in the
 * body for inserts), gzip request bodies, param_* bindings, settings as URL parameters, errors as status 500 with
 * the "Code: N. DB::Exception" text. Several Driftwatch processes pointed at it share one store, as they would a
 * ClickHouse server: the machine's packaged clickhouse-server (18.16) is too old for the schema, and chDB binds one
 * data directory per process. Requests run one at a time, in arrival order.
 */
export class ChdbHttpServer {
  private server: Server | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly connection = createChdbConnection({
    path: mkdtempSync(join(tmpdir(), 'driftwatch-chdb-http-')),
  }) as unknown as ChdbConnection;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.port = await freePort();
    this.server = createServer((request, response) => {
      void this.handle(request).then(
        (body) => response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(body),
        (error: unknown) => {
          const text = error instanceof Error ? error.message : String(error);
          const code = /Code: (\d+)/.exec(text)?.[1] ?? '1002';
          response.writeHead(500, { 'x-clickhouse-exception-code': code }).end(text);
        },
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
    await this.connection.close();
  }

  private async handle(request: IncomingMessage): Promise<Buffer | string> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/ping') return 'Ok.\n';
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const body = (request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
    const params: Record<string, string> = {};
    const settings: Record<string, string | number> = {};
    for (const [key, value] of url.searchParams) {
      if (key.startsWith('param_')) params[key.slice(6)] = value;
      else if (!NOT_SETTINGS.has(key)) settings[key] = /^\d+$/.test(value) ? Number(value) : value;
    }
    const statement = url.searchParams.get('query');
    const run = async () => {
      const common = { query_params: params, clickhouse_settings: settings };
      const result = statement
        ? await this.connection.exec({ ...common, query: statement, values: body })
        : await this.connection.query({ ...common, query: body });
      const out: Buffer[] = [];
      for await (const chunk of result.stream) out.push(chunk as Buffer);
      return Buffer.concat(out);
    };
    const next = this.tail.then(run, run);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

interface ChdbConnection {
  query(params: {
    query: string;
    query_params: Record<string, string>;
    clickhouse_settings: Record<string, unknown>;
  }): Promise<{ stream: AsyncIterable<unknown> }>;
  exec(params: {
    query: string;
    values: string;
    query_params: Record<string, string>;
    clickhouse_settings: Record<string, unknown>;
  }): Promise<{ stream: AsyncIterable<unknown> }>;
  close(): Promise<void>;
}
