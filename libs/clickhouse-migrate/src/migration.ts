/**
 * A numbered schema change. Statements may use {db} and {retentionDays}, substituted from configuration
 * (identifiers and integers validated first: DDL cannot take query parameters).
 * Every statement is idempotent (IF NOT EXISTS), so a migration interrupted half-way can run again.
 */
export interface Migration {
  id: number;
  name: string;
  up: string[];
  down: string[];
}
