import type { ClickHouseClient } from '@clickhouse/client';
import { classifyClickHouseError } from './errors.js';

/** Rows of a parameterized query as JSONEachRow; a failure is classified (retryable or not) and says `what`. */
export async function queryJsonRows<T>(
  client: ClickHouseClient,
  query: string,
  params: Record<string, unknown>,
  what: string,
): Promise<T[]> {
  try {
    const result = await client.query({ query, query_params: params, format: 'JSONEachRow' });
    return await result.json<T>();
  } catch (error) {
    throw classifyClickHouseError(error, what);
  }
}

/** Inserts rows as JSONEachRow into `database.table` (nothing to do for none); failures classified as above. */
export async function insertJsonRows(
  client: ClickHouseClient,
  database: string,
  table: string,
  values: Record<string, unknown>[],
  what: string,
): Promise<void> {
  if (values.length === 0) return;
  try {
    await client.insert({ table: `${database}.${table}`, values, format: 'JSONEachRow' });
  } catch (error) {
    throw classifyClickHouseError(error, what);
  }
}
