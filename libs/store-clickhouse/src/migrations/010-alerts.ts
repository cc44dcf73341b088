import type { Migration } from './migration.js';

/**
 * Alerts: destinations per project (URL and signing secret sealed with AES-256-GCM), the outbox of
 * notifications (a state change is a new row with a higher version, read with FINAL), the leases claimants
 * take on an outbox item (first writer wins, see alert-outbox.ts), the delivery log, and metric rules with
 * what each last decided (one row of JSON states per rule: few keys, written only on a transition).
 */
export const alerts: Migration = {
  id: 10,
  name: 'alerts',
  up: [
    `CREATE TABLE IF NOT EXISTS {db}.alert_destinations (
      project_id String,
      destination_id String,
      kind LowCardinality(String),
      name String,
      url_sealed String,
      secret_sealed String,
      url_hint String,
      enabled UInt8 DEFAULT 1,
      deleted UInt8 DEFAULT 0,
      created_at DateTime64(3) DEFAULT now64(3),
      updated_at DateTime64(3) DEFAULT now64(3)
    ) ENGINE = ReplacingMergeTree(updated_at) ORDER BY (project_id, destination_id)`,
    `CREATE TABLE IF NOT EXISTS {db}.alert_notifications (
      project_id String,
      notification_id String,
      destination_id String,
      message String CODEC(ZSTD(3)),
      state LowCardinality(String),
      attempts UInt32,
      due_at DateTime64(3),
      created_at DateTime64(3),
      version UInt64
    ) ENGINE = ReplacingMergeTree(version) ORDER BY (project_id, notification_id)
    TTL toDateTime(created_at) + INTERVAL 90 DAY DELETE`,
    `CREATE TABLE IF NOT EXISTS {db}.alert_leases (
      project_id String,
      notification_id String,
      attempt UInt32,
      claimant String,
      leased_at DateTime64(6) DEFAULT now64(6),
      lease_ms UInt32
    ) ENGINE = MergeTree ORDER BY (project_id, notification_id, attempt)
    TTL toDateTime(leased_at) + INTERVAL 7 DAY DELETE`,
    `CREATE TABLE IF NOT EXISTS {db}.alert_deliveries (
      project_id String,
      destination_id String,
      notification_id String,
      attempt UInt32,
      time DateTime64(3),
      outcome LowCardinality(String),
      status_code Nullable(UInt16),
      latency_ms UInt32,
      error String
    ) ENGINE = MergeTree ORDER BY (project_id, destination_id, time)
    TTL toDateTime(time) + INTERVAL 90 DAY DELETE`,
    `CREATE TABLE IF NOT EXISTS {db}.alert_rules (
      project_id String,
      rule_id String,
      name String,
      metric LowCardinality(String),
      threshold Float64,
      window_minutes UInt32,
      model String,
      destination_ids Array(String),
      enabled UInt8 DEFAULT 1,
      deleted UInt8 DEFAULT 0,
      created_at DateTime64(3) DEFAULT now64(3),
      updated_at DateTime64(3) DEFAULT now64(3)
    ) ENGINE = ReplacingMergeTree(updated_at) ORDER BY (project_id, rule_id)`,
    `CREATE TABLE IF NOT EXISTS {db}.alert_rule_states (
      project_id String,
      rule_id String,
      states String,
      updated_at DateTime64(3) DEFAULT now64(3)
    ) ENGINE = ReplacingMergeTree(updated_at) ORDER BY (project_id, rule_id)`,
  ],
  down: [
    'DROP TABLE IF EXISTS {db}.alert_rule_states',
    'DROP TABLE IF EXISTS {db}.alert_rules',
    'DROP TABLE IF EXISTS {db}.alert_deliveries',
    'DROP TABLE IF EXISTS {db}.alert_leases',
    'DROP TABLE IF EXISTS {db}.alert_notifications',
    'DROP TABLE IF EXISTS {db}.alert_destinations',
  ],
};
