// An OpenAI-compatible embeddings endpoint (POST /v1/embeddings) for the evaluation's server: it answers with the
// same all-MiniLM-L6-v2 vectors the server's local embedder would compute (libs/embedder-local, the same model
// file), computed once per text in the harness and cached (text-vectors.mjs). The server runs with
// DRIFTWATCH_EMBEDDINGS=remote against it, so OTLP -> store -> embedding stage -> vector index -> topics ->
// detection -> /api/problems is the product's path; only the model's inference is done ahead instead of inline
// (the local model embeds 8-25 calls/s on this shared machine, far below a realistic window of 1,000+ calls).
// A text not computed ahead is embedded on demand (counted in `misses`).

import { createServer } from 'node:http';
import { vectorsFor } from './text-vectors.mjs';

export const MODEL = 'sentence-transformers/all-MiniLM-L6-v2';
export const DIMENSIONS = 384;

/** Starts the endpoint on 127.0.0.1; `known` is the Map text -> Float32Array computed ahead. */
export async function startEmbeddingsService(known, log = () => {}) {
  const stats = { requests: 0, texts: 0, misses: 0 };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      try {
        if (req.method !== 'POST' || !req.url.endsWith('/embeddings')) {
          res.writeHead(404).end();
          return;
        }
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const input = Array.isArray(body.input) ? body.input : [body.input];
        const missing = input.filter((t) => !known.has(t));
        if (missing.length > 0) {
          stats.misses += missing.length;
          for (const [t, v] of await vectorsFor(missing, log)) known.set(t, v);
        }
        stats.requests++;
        stats.texts += input.length;
        const data = input.map((t, index) => ({
          object: 'embedding',
          index,
          embedding: Array.from(known.get(t)),
        }));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            object: 'list',
            model: body.model,
            data,
            usage: { prompt_tokens: 0, total_tokens: 0 },
          }),
        );
      } catch (error) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: String(error?.message ?? error) } }));
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/v1`,
    stats,
    env: {
      DRIFTWATCH_EMBEDDINGS: 'remote',
      DRIFTWATCH_EMBEDDINGS_URL: `http://127.0.0.1:${port}/v1`,
      DRIFTWATCH_EMBEDDINGS_MODEL: MODEL,
      DRIFTWATCH_EMBEDDINGS_DIMENSIONS: String(DIMENSIONS),
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
