import type { Migration } from './migration.js';

/**
 * usage_estimated: the call reported no token counts and they were estimated from its messages at ingest.
 * project_prices: a project's price overrides (custom, fine-tuned or negotiated prices), the whole list as one
 * JSON row per project, replaced as a whole; small, read once per project and cached by the ingest.
 */
export const usageEstimatesAndPrices: Migration = {
  id: 7,
  name: 'usage_estimates_and_prices',
  up: [
    `ALTER TABLE {db}.spans ADD COLUMN IF NOT EXISTS usage_estimated UInt8 DEFAULT 0 AFTER usage_counted`,
    `CREATE TABLE IF NOT EXISTS {db}.project_prices (
      project_id String,
      prices String,
      updated_at DateTime64(3) DEFAULT now64(3)
    ) ENGINE = ReplacingMergeTree(updated_at) ORDER BY project_id`,
  ],
  down: [
    'DROP TABLE IF EXISTS {db}.project_prices',
    'ALTER TABLE {db}.spans DROP COLUMN IF EXISTS usage_estimated',
  ],
};
