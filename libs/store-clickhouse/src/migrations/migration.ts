export type { Migration } from '@driftwatch/clickhouse-migrate';
