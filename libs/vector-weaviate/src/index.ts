export { WeaviateVectorIndex, type WeaviateVectorIndexOptions } from './weaviate-vector-index.js';
export { objectId, tenantOf } from './objects.js';
