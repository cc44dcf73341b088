/**
 * A local server speaking OpenAI's POST /v1/embeddings wire format. Vectors are a deterministic function of the
 * text (a hash), so the same text always gets the same vector. Scripted failures are answered first, in order.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedReply {
  status: number;
  headers?: Record<string, string>;
  /** Sent as JSON; a string is sent as it is. */
  body: unknown;
  /** Never answer (the client's timeout must act). */
  hang?: boolean;
}

export interface FakeEmbeddingsServer {
  /** Base URL including /v1. */
  baseUrl: string;
  requests: Array<{ headers: IncomingHttpHeaders; body: { input: string[]; model: string } }>;
  /** Replies given instead of embeddings to the next requests, one each. */
  script: ScriptedReply[];
  /** Vectors returned for successful requests (default: hashed, `dimensions` long, not normalized). */
  vectorFor: (text: string) => number[];
  close(): Promise<void>;
}

export function openAiError(message: string, type = 'invalid_request_error', code: string | null = null) {
  return { error: { message, type, param: null, code } };
}

export function hashedVector(text: string, dimensions: number): number[] {
  const out: number[] = [];
  for (let block = 0; out.length < dimensions; block++) {
    const digest = createHash('sha256').update(`${block}:${text}`).digest();
    for (let i = 0; i + 1 < digest.length && out.length < dimensions; i += 2) {
      out.push(digest.readInt16LE(i) / 1000);
    }
  }
  return out;
}

/** A local port nothing listens on (connection refused). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startFakeEmbeddings(dimensions: number): Promise<FakeEmbeddingsServer> {
  const fake: Omit<FakeEmbeddingsServer, 'baseUrl' | 'close'> = {
    requests: [],
    script: [],
    vectorFor: (text) => hashedVector(text, dimensions),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
      };
      if (req.method !== 'POST' || req.url !== '/v1/embeddings') {
        return send(404, openAiError(`Unknown request URL: ${req.method} ${req.url}.`));
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { input: string[]; model: string };
      fake.requests.push({ headers: req.headers, body });
      const scripted = fake.script.shift();
      if (scripted?.hang) return;
      if (scripted) return send(scripted.status, scripted.body, scripted.headers);
      if (!Array.isArray(body.input) || typeof body.model !== 'string') {
        return send(400, openAiError("'input' and 'model' are required."));
      }
      const data = body.input.map((text, index) => ({
        object: 'embedding',
        index,
        embedding: fake.vectorFor(text),
      }));
      // Real servers may answer out of order; the index is what counts.
      data.reverse();
      const tokens = body.input.reduce((n, t) => n + t.split(/\s+/).length, 0);
      send(200, {
        object: 'list',
        data,
        model: body.model,
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  });
}
