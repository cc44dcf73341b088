import type { Migration } from './migration.js';

/**
 * Detection: problems, their status, detector settings per project, the ledger of detection runs and the leases
 * runners take on a project.
 * - problems: what detectors saw, one row per problem, replaced (higher version) when a later window sees it again.
 *   The id is derived from (project, cause, first window), so two runners that both open it write the same row.
 * - problem_states: status, who acknowledged or resolved it and when. Apart from `problems` so that a runner
 *   refreshing a problem's numbers never overwrites an acknowledgement made meanwhile, and vice versa.
 * - detection_runs: one row per run of a (project, window), with its outcome and runner; a window with a successful
 *   run is not run again. Every attempt is kept (a plain MergeTree), so the history shows failures and retries.
 * - detection_leases: the runner working on a project (alert-lease.ts's currentHolder over the live rows).
 *   A ClickHouse lease rather than Kafka group membership: ClickHouse is the one engine both modes run (embedded
 *   has no Kafka), and the outbox already relies on the same mechanism.
 * Statistics are Nullable: an infinite or undefined effect (a baseline of zero) is stored as NULL, never as 0.
 */
export const problems: Migration = {
  id: 13,
  name: 'problems',
  up: [
    `CREATE TABLE IF NOT EXISTS {db}.problems (
      project_id String,
      problem_id String,
      cause_key String,
      kind LowCardinality(String),
      dimension LowCardinality(String),
      value String,
      title String,
      statistic String,
      score Nullable(Float64),
      p_value Nullable(Float64),
      effect_size Nullable(Float64),
      baseline_value Nullable(Float64),
      current_value Nullable(Float64),
      traffic_share Nullable(Float64),
      severity Float64,
      evidence String CODEC(ZSTD(3)),
      baseline_from DateTime64(3),
      baseline_to DateTime64(3),
      current_from DateTime64(3),
      current_to DateTime64(3),
      first_window_from DateTime64(3),
      opened_at DateTime64(3),
      last_seen_at DateTime64(3),
      version UInt64
    ) ENGINE = ReplacingMergeTree(version) ORDER BY (project_id, problem_id)`,
    `CREATE TABLE IF NOT EXISTS {db}.problem_states (
      project_id String,
      problem_id String,
      status LowCardinality(String),
      acknowledged_by String,
      acknowledged_at Nullable(DateTime64(3)),
      resolved_by String,
      resolved_at Nullable(DateTime64(3)),
      version UInt64
    ) ENGINE = ReplacingMergeTree(version) ORDER BY (project_id, problem_id)`,
    `CREATE TABLE IF NOT EXISTS {db}.detector_settings (
      project_id String,
      settings String,
      updated_by String,
      updated_at DateTime64(3) DEFAULT now64(3)
    ) ENGINE = ReplacingMergeTree(updated_at) ORDER BY project_id`,
    `CREATE TABLE IF NOT EXISTS {db}.detection_runs (
      project_id String,
      window_from DateTime64(3),
      window_to DateTime64(3),
      runner String,
      started_at DateTime64(3),
      finished_at DateTime64(3),
      outcome LowCardinality(String),
      error String,
      findings UInt32,
      skipped String CODEC(ZSTD(3))
    ) ENGINE = MergeTree ORDER BY (project_id, window_from, window_to, started_at)
    TTL toDateTime(window_to) + INTERVAL 400 DAY DELETE`,
    `CREATE TABLE IF NOT EXISTS {db}.detection_leases (
      project_id String,
      claimant String,
      leased_at DateTime64(6) DEFAULT now64(6),
      lease_ms UInt32
    ) ENGINE = MergeTree ORDER BY (project_id, leased_at)
    TTL toDateTime(leased_at) + INTERVAL 1 DAY DELETE`,
  ],
  down: [
    'DROP TABLE IF EXISTS {db}.detection_leases',
    'DROP TABLE IF EXISTS {db}.detection_runs',
    'DROP TABLE IF EXISTS {db}.detector_settings',
    'DROP TABLE IF EXISTS {db}.problem_states',
    'DROP TABLE IF EXISTS {db}.problems',
  ],
};
