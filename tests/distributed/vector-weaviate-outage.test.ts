// A Weaviate outage seen through the VectorIndex: the real server sits behind a local TCP relay (its REST and gRPC
// ports) that the test cuts and restores. While cut, the index reports not ready and fails retryably (so the
// embedding stage pauses and keeps what it holds); once restored, it answers again without being recreated.
import { randomBytes } from 'node:crypto';
import type { VectorIndex } from '@driftwatch/contracts';
import { deadlineIn, RetryableError } from '@driftwatch/contracts';
import { randomProjectId, vectorEntry } from '@driftwatch/contract-tests';
import { WeaviateVectorIndex } from '@driftwatch/vector-weaviate';
import { afterAll, describe, expect, it } from 'vitest';
import { TcpRelay } from '../support/tcp-relay.js';

const WEAVIATE_URL = new URL(process.env['WEAVIATE_URL'] ?? 'http://127.0.0.1:18080');
const GRPC_PORT = Number(process.env['WEAVIATE_GRPC_PORT'] ?? '50051');
const COLLECTION = `DriftwatchOutage${randomBytes(4).toString('hex')}`;

async function eventually<T>(what: string, attempt: () => Promise<T>, guardMs = 90_000): Promise<T> {
  const until = Date.now() + guardMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > until) throw new Error(`${what} never succeeded`, { cause: error });
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

describe('Weaviate vector index through an outage', () => {
  const http = new TcpRelay(WEAVIATE_URL.hostname, Number(WEAVIATE_URL.port));
  const grpc = new TcpRelay(WEAVIATE_URL.hostname, GRPC_PORT);
  let index: VectorIndex;

  afterAll(async () => {
    await index?.shutdown(deadlineIn(2000));
    await http.close();
    await grpc.close();
    await fetch(new URL(`/v1/schema/${COLLECTION}`, WEAVIATE_URL), { method: 'DELETE' }).catch(
      () => undefined,
    );
  });

  it('is not ready and fails retryably while Weaviate is unreachable, and recovers when it is back', async () => {
    await http.open();
    await grpc.open();
    index = new WeaviateVectorIndex({
      host: '127.0.0.1',
      httpPort: http.port,
      grpcPort: grpc.port,
      collection: COLLECTION,
      dimensions: 384,
      timeouts: { init: 5, query: 5, insert: 5 },
    });
    await index.start();
    const project = randomProjectId();
    const before = vectorEntry(project, 384);
    await index.upsert([before]);
    expect(await index.isReady()).toBe(true);

    await http.close();
    await grpc.close();
    expect(await index.isReady()).toBe(false);
    const during = vectorEntry(project, 384);
    await expect(index.upsert([during])).rejects.toBeInstanceOf(RetryableError);
    await expect(index.nearest(before.vector, 1, { projectId: project })).rejects.toBeInstanceOf(
      RetryableError,
    );

    await http.open();
    await grpc.open();
    await eventually('readiness', async () => expect(await index.isReady()).toBe(true));
    // The batch refused during the outage is retried by its caller and lands now.
    await eventually('upsert after the outage', () => index.upsert([during]));
    const found = await index.nearest(during.vector, 5, { projectId: project });
    expect(found.map((m) => m.spanId).sort()).toEqual([before.spanId, during.spanId].sort());
    expect(found[0]?.spanId).toBe(during.spanId);
  }, 180_000);
});
