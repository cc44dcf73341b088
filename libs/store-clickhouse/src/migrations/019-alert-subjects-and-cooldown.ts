import type { Migration } from './migration.js';

/**
 * What a notification is about (subject "problem:<id>" or "rule:<id>", and its transition), so the problem page
 * lists where a problem was sent; and a cooldown per metric rule against flapping (existing rules get the
 * default). Rows recorded before have an empty subject.
 */
export const alertSubjectsAndCooldown: Migration = {
  id: 19,
  name: 'alert-subjects-and-cooldown',
  up: [
    `ALTER TABLE {db}.alert_notifications ADD COLUMN IF NOT EXISTS subject String DEFAULT '' AFTER destination_id`,
    `ALTER TABLE {db}.alert_notifications ADD COLUMN IF NOT EXISTS transition LowCardinality(String) DEFAULT '' AFTER subject`,
    // The problem page and reminders look notifications up by subject.
    `ALTER TABLE {db}.alert_notifications ADD INDEX IF NOT EXISTS subject_idx subject TYPE bloom_filter GRANULARITY 4`,
    `ALTER TABLE {db}.alert_rules ADD COLUMN IF NOT EXISTS cooldown_minutes UInt32 DEFAULT 15 AFTER window_minutes`,
  ],
  down: [
    'ALTER TABLE {db}.alert_rules DROP COLUMN IF EXISTS cooldown_minutes',
    'ALTER TABLE {db}.alert_notifications DROP INDEX IF EXISTS subject_idx',
    'ALTER TABLE {db}.alert_notifications DROP COLUMN IF EXISTS transition',
    'ALTER TABLE {db}.alert_notifications DROP COLUMN IF EXISTS subject',
  ],
};
