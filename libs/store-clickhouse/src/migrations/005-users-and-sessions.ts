import type { Migration } from './migration.js';

/**
 * Dashboard users (role and project memberships; the password only as a scrypt hash with its salt and
 * parameters) and their sign-in sessions (only the SHA-256 of the token). ReplacingMergeTree keyed by id: an
 * update is a new row with a later updated_at, read with FINAL.
 */
export const usersAndSessions: Migration = {
  id: 5,
  name: 'users_and_sessions',
  up: [
    `CREATE TABLE IF NOT EXISTS {db}.users (
      user_id String,
      email String,
      name String,
      role LowCardinality(String),
      password_hash String,
      projects Array(String),
      disabled UInt8 DEFAULT 0,
      created_at DateTime64(3) DEFAULT now64(3),
      updated_at DateTime64(3) DEFAULT now64(3)
    ) ENGINE = ReplacingMergeTree(updated_at) ORDER BY user_id`,
    `CREATE TABLE IF NOT EXISTS {db}.sessions (
      token_hash String,
      user_id String,
      expires_at DateTime64(3),
      revoked UInt8 DEFAULT 0,
      created_at DateTime64(3) DEFAULT now64(3),
      updated_at DateTime64(3) DEFAULT now64(3)
    ) ENGINE = ReplacingMergeTree(updated_at) ORDER BY token_hash
    TTL toDateTime(expires_at) + INTERVAL 1 DAY DELETE`,
  ],
  down: ['DROP TABLE IF EXISTS {db}.sessions', 'DROP TABLE IF EXISTS {db}.users'],
};
