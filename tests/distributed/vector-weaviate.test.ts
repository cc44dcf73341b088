// The VectorIndex contract on a real Weaviate server (scripts/engines/weaviate.sh; WEAVIATE_URL and
// WEAVIATE_GRPC_PORT point at it) through the official client v3. Each run uses a collection of its own and
// deletes it afterwards.
// The assertions are in the shared suite: libs/contract-tests/src/vector-index.contract.ts (expect per case).
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { vectorIndexContract } from '@driftwatch/contract-tests';
import { WeaviateVectorIndex } from '@driftwatch/vector-weaviate';
import { afterAll } from 'vitest';

const WEAVIATE_URL = new URL(process.env['WEAVIATE_URL'] ?? 'http://127.0.0.1:18080');
const GRPC_PORT = Number(process.env['WEAVIATE_GRPC_PORT'] ?? '50051');
const COLLECTION = `DriftwatchContract${randomBytes(4).toString('hex')}`;

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

afterAll(async () => {
  await fetch(new URL(`/v1/schema/${COLLECTION}`, WEAVIATE_URL), { method: 'DELETE' }).catch(() => undefined);
});

vectorIndexContract(`Weaviate at ${WEAVIATE_URL.host}`, {
  async create({ maxSampleSize }) {
    return new WeaviateVectorIndex({
      host: WEAVIATE_URL.hostname,
      httpPort: Number(WEAVIATE_URL.port),
      grpcPort: GRPC_PORT,
      collection: COLLECTION,
      dimensions: 384,
      maxSampleSize,
    });
  },
  async createUnreachable() {
    return new WeaviateVectorIndex({
      host: '127.0.0.1',
      httpPort: await closedPort(),
      grpcPort: await closedPort(),
      collection: COLLECTION,
      dimensions: 384,
      timeouts: { init: 2, query: 5, insert: 5 },
    });
  },
});
