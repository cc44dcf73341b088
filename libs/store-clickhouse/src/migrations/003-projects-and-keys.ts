import type { Migration } from './migration.js';

/** Projects and their API keys. Keys are stored as SHA-256 hashes; the prefix identifies a key in lists and logs. */
export const projectsAndKeys: Migration = {
  id: 3,
  name: 'projects_and_keys',
  up: [
    `CREATE TABLE IF NOT EXISTS {db}.projects (
      project_id String,
      name String,
      retention_days UInt16 DEFAULT 0,
      created_at DateTime64(3) DEFAULT now64(3),
      updated_at DateTime64(3) DEFAULT now64(3)
    ) ENGINE = ReplacingMergeTree(updated_at) ORDER BY project_id`,
    `CREATE TABLE IF NOT EXISTS {db}.api_keys (
      key_hash String,
      key_prefix String,
      project_id String,
      name String,
      revoked UInt8 DEFAULT 0,
      created_at DateTime64(3) DEFAULT now64(3),
      updated_at DateTime64(3) DEFAULT now64(3)
    ) ENGINE = ReplacingMergeTree(updated_at) ORDER BY key_hash`,
  ],
  down: ['DROP TABLE IF EXISTS {db}.api_keys', 'DROP TABLE IF EXISTS {db}.projects'],
};
