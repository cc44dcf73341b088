export { apiErrorSchema, type ApiError } from './errors.js';
export {
  autoBucketSeconds,
  DEFAULT_SERIES,
  MAX_POINTS,
  MAX_SERIES,
  OTHER_SERIES,
  metricsPointSchema,
  metricsQuerySchema,
  metricsSummarySchema,
} from './metrics.js';
export { buildOpenApiDocument } from './openapi.js';
export { MAX_INSTANT_MS, MIN_INSTANT_MS } from './time.js';
export {
  attributesSchema,
  llmViewSchema,
  spanViewSchema,
  usageSchema,
  traceDetailSchema,
  traceIdParamSchema,
  traceListPageSchema,
  traceListQuerySchema,
  traceSummarySchema,
  type TraceListQueryInput,
} from './traces.js';
export {
  createUserRequestSchema,
  loginRequestSchema,
  meResponseSchema,
  roleSchema,
  updateUserRequestSchema,
  userListSchema,
  userSchema,
  type MeResponse,
  type Role,
  type User,
} from './auth.js';
export {
  apiKeyListSchema,
  apiKeyPrefixParamSchema,
  apiKeySchema,
  createApiKeyRequestSchema,
  createdApiKeySchema,
  createProjectRequestSchema,
  projectIdSchema,
  projectListSchema,
  projectSchema,
  updateProjectRequestSchema,
  type ApiKey,
  type CreatedApiKey,
  type Project,
} from './projects.js';
export { priceOverrideListSchema, priceOverrideSchema, type PriceOverrideList } from './prices.js';
export {
  alertDeliveryListSchema,
  alertDeliveryQuerySchema,
  alertDeliverySchema,
  alertDestinationIdParamSchema,
  alertDestinationKindSchema,
  alertDestinationListSchema,
  alertDestinationSchema,
  createAlertDestinationRequestSchema,
  createdAlertDestinationSchema,
  createMetricRuleRequestSchema,
  metricRuleListSchema,
  metricRuleMetricSchema,
  metricRuleSchema,
  testAlertResponseSchema,
  type MetricRuleView,
  type AlertDelivery,
  type AlertDestinationView,
  type CreateAlertDestinationRequest,
  type CreatedAlertDestination,
} from './alerts.js';
