import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';

/** How the fake embeddings endpoint answers now: vectors, 500 (retryable) or 400 (refused for good). */
export type FakeEmbeddingsMode = 'ok' | 'down' | 'refuse';

export interface FakeEmbeddings {
  /** Base URL including /v1, for DRIFTWATCH_EMBEDDINGS_URL. */
  url: string;
  setMode(mode: FakeEmbeddingsMode): void;
  close(): Promise<void>;
}

/** A deterministic vector per text (from its SHA-256): the same text always lands on the same point. */
function vectorOf(text: string, dimensions: number): number[] {
  const values: number[] = [];
  for (let block = 0; values.length < dimensions; block++) {
    const digest = createHash('sha256').update(`${block}:${text}`).digest();
    for (const byte of digest) values.push(byte / 255 - 0.5);
  }
  return values.slice(0, dimensions);
}

/** A local OpenAI-compatible POST /v1/embeddings whose answer the test switches. */
export async function startFakeEmbeddings(dimensions: number): Promise<FakeEmbeddings> {
  let mode: FakeEmbeddingsMode = 'ok';
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      response.setHeader('content-type', 'application/json');
      if (mode === 'down') {
        response.statusCode = 500;
        response.end(JSON.stringify({ error: { message: 'the model server is restarting' } }));
        return;
      }
      if (mode === 'refuse') {
        response.statusCode = 400;
        response.end(JSON.stringify({ error: { message: 'this input is not allowed by policy' } }));
        return;
      }
      const { input } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { input: string[] };
      const data = input.map((text, index) => ({
        object: 'embedding',
        index,
        embedding: vectorOf(text, dimensions),
      }));
      response.end(JSON.stringify({ object: 'list', data, model: 'fake-embed' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    setMode: (next) => (mode = next),
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
