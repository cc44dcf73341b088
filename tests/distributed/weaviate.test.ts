// A real Weaviate server (built from its Go module and started by scripts/engines/weaviate.sh) answers: a collection
// with vectorizer none is created through the REST schema API, objects with client-supplied vectors are batch-inserted,
// a GraphQL nearVector query finds each inserted vector's own object first, and the collection is deleted. The gRPC
// port answers the standard health service (the TypeScript client v3 needs gRPC). Plain fetch; no Weaviate client.
import { randomBytes, randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const WEAVIATE_URL = (process.env['WEAVIATE_URL'] ?? 'http://127.0.0.1:18080').replace(/\/+$/, '');
const GRPC_ADDRESS = `${new URL(WEAVIATE_URL).hostname}:${process.env['WEAVIATE_GRPC_PORT'] ?? '50051'}`;
const DIMENSIONS = 32;
const OBJECTS = 50;

interface Json {
  [key: string]: unknown;
}

async function call(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${WEAVIATE_URL}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let json: unknown = text;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    // Not JSON: keep the text for the failure message.
  }
  return { status: response.status, json };
}

async function ok(method: string, path: string, body?: unknown): Promise<unknown> {
  const { status, json } = await call(method, path, body);
  if (status < 200 || status >= 300) {
    throw new Error(`${method} ${path} answered ${status}: ${JSON.stringify(json)}`);
  }
  return json;
}

async function graphql(query: string): Promise<Json> {
  const answer = (await ok('POST', '/v1/graphql', { query })) as { data?: Json; errors?: unknown[] };
  if (answer.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(answer.errors)}`);
  return answer.data ?? {};
}

/** Fails (never skips) when the server is not there, and says how to start it. */
async function requireServer(): Promise<void> {
  let detail: string;
  try {
    const response = await fetch(`${WEAVIATE_URL}/v1/.well-known/ready`, {
      signal: AbortSignal.timeout(3_000),
    });
    if (response.status === 200) return;
    detail = `answered ${response.status}`;
  } catch (e) {
    detail = `unreachable (${e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e)})`;
  }
  throw new Error(
    `No Weaviate server is ready at ${WEAVIATE_URL}/v1/.well-known/ready: ${detail}. These tests need the real ` +
      `server process: bash scripts/engines/weaviate.sh install && bash scripts/engines/weaviate.sh start ` +
      `(or set WEAVIATE_URL and WEAVIATE_GRPC_PORT to a server it started).`,
  );
}

function randomVector(): number[] {
  return Array.from({ length: DIMENSIONS }, () => Math.random() * 2 - 1);
}

/** grpc.health.v1.Health/Check with hand-encoded protobuf (request: empty message; response: field 1 = status). */
async function grpcHealth(address: string): Promise<number> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  try {
    return await new Promise<number>((resolve, reject) => {
      client.makeUnaryRequest<Buffer, Buffer>(
        '/grpc.health.v1.Health/Check',
        (request) => request,
        (response) => response,
        Buffer.alloc(0),
        new grpc.Metadata(),
        { deadline: Date.now() + 10_000 },
        (error, response) => {
          if (error) return reject(error);
          if (!response || response.length === 0) return resolve(0); // status UNKNOWN (default value)
          if (response[0] !== 0x08)
            return reject(new Error(`unexpected health response ${response.toString('hex')}`));
          resolve(response[1] ?? 0);
        },
      );
    });
  } finally {
    client.close();
  }
}

describe(`Weaviate server at ${WEAVIATE_URL}`, () => {
  const collection = `DriftwatchProbe${randomBytes(4).toString('hex')}`;
  const inserted: { id: string; index: number; vector: number[] }[] = [];
  let unreachable: unknown = null;
  let created = false;

  beforeAll(async () => {
    unreachable = await requireServer().then(
      () => null,
      (e: unknown) => e,
    );
  });

  beforeEach(() => {
    // Every test fails (none is skipped) when the server is not there.
    if (unreachable) throw unreachable;
  });

  afterAll(async () => {
    if (created) await call('DELETE', `/v1/schema/${collection}`).catch(() => undefined);
  });

  it('is ready and reports its version', async () => {
    const meta = (await ok('GET', '/v1/meta')) as { version?: string };
    expect(meta.version).toMatch(/^1\.\d+\.\d+/);
    const live = await call('GET', '/v1/.well-known/live');
    expect(live.status).toBe(200);
  });

  it('answers the gRPC health service on the gRPC port', async () => {
    expect(await grpcHealth(GRPC_ADDRESS)).toBe(1); // SERVING
  });

  it('creates a collection with vectorizer none', async () => {
    await ok('POST', '/v1/schema', {
      class: collection,
      description: 'driftwatch harness probe (deleted by the test)',
      vectorizer: 'none',
      vectorIndexType: 'hnsw',
      vectorIndexConfig: { distance: 'cosine', skipDefaultQuantization: true },
      properties: [
        { name: 'traceId', dataType: ['text'] },
        { name: 'service', dataType: ['text'] },
        { name: 'index', dataType: ['int'] },
        { name: 'score', dataType: ['number'] },
      ],
    });
    created = true;
    const schema = (await ok('GET', `/v1/schema/${collection}`)) as { class: string; vectorizer: string };
    expect(schema.class).toBe(collection);
    expect(schema.vectorizer).toBe('none');
  });

  it(`batch-inserts ${OBJECTS} objects with client-supplied ${DIMENSIONS}-dim vectors`, async () => {
    expect(created).toBe(true);
    for (let index = 0; index < OBJECTS; index++) {
      inserted.push({ id: randomUUID(), index, vector: randomVector() });
    }
    const results = (await ok('POST', '/v1/batch/objects', {
      objects: inserted.map(({ id, index, vector }) => ({
        class: collection,
        id,
        vector,
        properties: {
          traceId: randomBytes(16).toString('hex'),
          service: `svc-${index % 5}`,
          index,
          score: index / OBJECTS,
        },
      })),
    })) as { id: string; result?: { errors?: unknown } }[];
    expect(results).toHaveLength(OBJECTS);
    const failed = results.filter((r) => r.result?.errors);
    expect(failed, JSON.stringify(failed.slice(0, 3))).toEqual([]);

    const count = await graphql(`{ Aggregate { ${collection} { meta { count } } } }`);
    expect((count['Aggregate'] as Json)[collection]).toEqual([{ meta: { count: OBJECTS } }]);

    // The stored vector is the one supplied.
    const one = inserted[7]!;
    const stored = (await ok('GET', `/v1/objects/${collection}/${one.id}?include=vector`)) as {
      vector: number[];
    };
    expect(stored.vector).toHaveLength(DIMENSIONS);
    stored.vector.forEach((v, i) => expect(v).toBeCloseTo(one.vector[i]!, 5));
  });

  it('finds each inserted vector as its own nearest neighbour (GraphQL nearVector)', async () => {
    expect(inserted).toHaveLength(OBJECTS);
    for (const probe of [inserted[0]!, inserted[13]!, inserted[29]!, inserted[OBJECTS - 1]!]) {
      const data = await graphql(
        `{ Get { ${collection}(nearVector: { vector: ${JSON.stringify(probe.vector)} }, limit: 3) ` +
          `{ index service _additional { id distance } } } }`,
      );
      const hits = (data['Get'] as Json)[collection] as {
        index: number;
        service: string;
        _additional: { id: string; distance: number };
      }[];
      expect(hits).toHaveLength(3);
      expect(hits[0]!._additional.id).toBe(probe.id);
      expect(hits[0]!.index).toBe(probe.index);
      expect(hits[0]!.service).toBe(`svc-${probe.index % 5}`);
      expect(hits[0]!._additional.distance).toBeLessThan(1e-4);
      expect(hits[1]!._additional.distance).toBeGreaterThanOrEqual(hits[0]!._additional.distance);
    }

    // A slightly perturbed vector still lands on its object.
    const probe = inserted[21]!;
    const nudged = probe.vector.map((v) => v + (Math.random() - 0.5) * 0.02);
    const data = await graphql(
      `{ Get { ${collection}(nearVector: { vector: ${JSON.stringify(nudged)} }, limit: 1) { _additional { id } } } }`,
    );
    expect(((data['Get'] as Json)[collection] as { _additional: { id: string } }[])[0]!._additional.id).toBe(
      probe.id,
    );
  });

  it('deletes the collection', async () => {
    expect(created).toBe(true);
    await ok('DELETE', `/v1/schema/${collection}`);
    created = false;
    const gone = await call('GET', `/v1/schema/${collection}`);
    expect(gone.status).toBe(404);
    const schema = (await ok('GET', '/v1/schema')) as { classes?: { class: string }[] };
    expect((schema.classes ?? []).map((c) => c.class)).not.toContain(collection);
  });
});
