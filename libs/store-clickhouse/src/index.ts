export { createEmbeddedClickHouse, createServerClickHouse, type ClickHouseServerOptions } from './clients.js';
export { ClickHouseSpanWriter } from './clickhouse-span-writer.js';
export { ClickHouseTraceReader } from './clickhouse-trace-reader.js';
export { MetricsRollup } from './metrics-rollup.js';
export { ClickHouseSessionReader } from './clickhouse-session-reader.js';
export { InvalidCursorError } from './cursor.js';
export { migrate, type SchemaOptions } from './migrate.js';
export {
  ClickHouseApiKeyStore,
  apiKeyPrefix,
  generateApiKey,
  isWellFormedApiKey,
  isWellFormedPublicKey,
} from './api-key-store.js';
export { ClickHouseProjectStore } from './project-store.js';
export { ClickHouseRetentionStore } from './retention-store.js';
export { ClickHouseSamplingRateStore } from './sampling-rate-store.js';
export { ClickHouseUserStore } from './user-store.js';
export { ClickHousePriceOverrideStore } from './price-override-store.js';
export { ClickHouseOutbox } from './alert-outbox.js';
export { ClickHouseAlertDestinationStore } from './alert-destination-store.js';
export { ClickHouseMetricRuleStore } from './metric-rule-store.js';
export { ClickHouseMetricRuleReader } from './metric-rule-reader.js';
export { ClickHouseProblemRouteStore } from './problem-route-store.js';
export { ClickHouseFeedbackStore, feedbackIdOf, idempotencyKeyOf } from './feedback-store.js';
export { ClickHouseFeedbackSettingsStore, DEFAULT_FEEDBACK_SETTINGS } from './feedback-settings-store.js';
export { DEFAULT_NEGATIVE_BELOW, negativeExpression, perTraceFeedbackSql } from './feedback-sql.js';
export { ClickHouseReviewStore, reviewItemIdOf } from './review-store.js';
export { ClickHouseDatasetStore } from './dataset-store.js';
export { AUTO_RESOLVE_WINDOWS, ClickHouseProblemStore } from './problem-store.js';
export { ClickHouseDetectionLedger, ClickHouseDetectorSettingsStore } from './detection-ledger.js';
export {
  ClickHouseDetectionInputReader,
  baselineWindow,
  type DetectionInputReaderOptions,
} from './detection-input-reader.js';
export { ClickHouseTopicStore } from './topic-store.js';
