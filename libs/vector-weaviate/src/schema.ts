import weaviate, { type CollectionConfigCreate } from 'weaviate-client';
import type { VectorProperties } from './objects.js';

const exact = {
  dataType: 'text',
  tokenization: 'field',
  indexFilterable: true,
  indexSearchable: false,
} as const;

/**
 * One collection for every project: multi-tenancy with one tenant per project (created on first insert), so a
 * project's vectors live in their own shard and HNSW graph and no query can reach another tenant's objects.
 * Vectors are brought by the caller (no vectorizer), compared by cosine distance, stored uncompressed (Weaviate
 * >= 1.33 would otherwise quantize by default; 384-d float vectors are small). Text properties are filtered on
 * exact values (tokenization 'field': 'gpt-4o-mini' is one token, not three).
 */
export function collectionConfig(name: string): CollectionConfigCreate<VectorProperties> {
  return {
    name,
    description: 'Driftwatch embedding vectors of LLM calls (request and response), one tenant per project',
    multiTenancy: weaviate.configure.multiTenancy({ autoTenantCreation: true, autoTenantActivation: true }),
    vectorizers: weaviate.configure.vectors.selfProvided({
      vectorIndexConfig: weaviate.configure.vectorIndex.hnsw({
        distanceMetric: 'cosine',
        quantizer: weaviate.configure.vectorIndex.quantizer.none(),
      }),
    }),
    properties: [
      { name: 'projectId', ...exact },
      { name: 'traceId', ...exact },
      { name: 'spanId', ...exact },
      { name: 'field', ...exact },
      { name: 'time', dataType: 'date', indexFilterable: true, indexRangeFilters: true },
      { name: 'model', ...exact },
      { name: 'release', ...exact },
      { name: 'topicId', ...exact },
      { name: 'sampleKey', dataType: 'number', indexFilterable: true, indexRangeFilters: true },
    ],
  };
}
