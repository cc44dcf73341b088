import type { Migration } from './migration.js';

/**
 * Span parts stay in the compact format (all columns in one file) up to 256 MiB of uncompressed data: an insert of
 * 6,000-8,000 bench spans is 13-18 MiB, over the 10 MiB default, and a wide part is ~130 files (two per column and
 * per skip index), created by every insert and merge and deleted again. In the standalone insert harness that file
 * churn took half of chDB's threads' time in ext4, and compact parts saved 10-25 of ~120 µs of CPU per span; the
 * server bench on the loaded shared machine showed no difference (bench/ingest/README.md, "Session 6 levers").
 * Parts merged past 256 MiB (~110,000 spans) are wide again, the better format for reading a few columns of many rows.
 */
export const compactSpanParts: Migration = {
  id: 23,
  name: 'compact_span_parts',
  up: ['ALTER TABLE {db}.spans MODIFY SETTING min_bytes_for_wide_part = 268435456'],
  down: ['ALTER TABLE {db}.spans RESET SETTING min_bytes_for_wide_part'],
};
