export { apiErrorSchema, type ApiError } from './errors.js';
export {
  autoBucketSeconds,
  metricsPointSchema,
  metricsQuerySchema,
  metricsSummarySchema,
} from './metrics.js';
export { buildOpenApiDocument } from './openapi.js';
export {
  attributesSchema,
  llmViewSchema,
  spanViewSchema,
  traceDetailSchema,
  traceIdParamSchema,
  traceListPageSchema,
  traceListQuerySchema,
  traceSummarySchema,
  type TraceListQueryInput,
} from './traces.js';
