import { describe, expect, it } from 'vitest';
import { clusterStatements } from './cluster-ddl.js';
import { renderStatements } from './migrate.js';
import { migrations } from './migrations/index.js';
import { embeddedForTests } from './test-support.js';

const options = { database: 'driftwatch', retentionDays: 30, cluster: 'prod' };
const all = migrations.flatMap((m) => m.up.flatMap((s) => renderStatements(s, options)));

describe('clustered schema from the same migrations', () => {
  it('shards per-trace tables as Replicated *_local tables behind Distributed tables keyed by trace id', () => {
    const spansLocal = all.find((s) => s.includes('CREATE TABLE IF NOT EXISTS driftwatch.spans_local'));
    expect(spansLocal).toContain("ON CLUSTER 'prod'");
    expect(spansLocal).toContain(
      "ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/driftwatch/spans', '{replica}')",
    );
    expect(spansLocal).toContain('ORDER BY (project_id, start_time, trace_id, span_id)');
    const spans = all.find((s) => s.includes('CREATE TABLE IF NOT EXISTS driftwatch.spans ON CLUSTER'));
    expect(spans).toContain("ENGINE = Distributed('prod', driftwatch, spans_local, cityHash64(trace_id))");
    for (const name of ['trace_index', 'dead_letters', 'llm_log_events']) {
      expect(all.some((s) => s.includes(`driftwatch.${name}_local ON CLUSTER 'prod'`))).toBe(true);
      expect(all.some((s) => s.includes(`Distributed('prod', driftwatch, ${name}_local`))).toBe(true);
    }
  });

  it('replicates small tables to every node and keeps their version column', () => {
    const keys = all.find((s) => s.includes('CREATE TABLE IF NOT EXISTS driftwatch.api_keys'));
    expect(keys).toContain(
      "ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/driftwatch/api_keys', '{replica}', updated_at)",
    );
    expect(all.some((s) => s.includes('driftwatch.api_keys_local'))).toBe(false);
  });

  it('feeds the trace index from the shard-local spans into the shard-local index', () => {
    const view = all.find((s) => s.includes('MATERIALIZED VIEW'))!;
    expect(view).toContain("trace_index_mv ON CLUSTER 'prod' TO driftwatch.trace_index_local AS");
    expect(view).toContain('FROM driftwatch.spans_local ');
  });

  it('alters the local tables on every node', () => {
    expect(
      clusterStatements(
        'ALTER TABLE {db}.spans MODIFY TTL toDateTime(start_time) + INTERVAL 7 DAY DELETE',
        'prod',
      ),
    ).toEqual([
      "ALTER TABLE {db}.spans_local ON CLUSTER 'prod' MODIFY TTL toDateTime(start_time) + INTERVAL 7 DAY DELETE",
    ]);
  });

  it('adds a column to the shard-local table and to the Distributed table that reads it', () => {
    expect(
      clusterStatements('ALTER TABLE {db}.spans ADD COLUMN IF NOT EXISTS x UInt8 DEFAULT 0', 'prod'),
    ).toEqual([
      "ALTER TABLE {db}.spans_local ON CLUSTER 'prod' ADD COLUMN IF NOT EXISTS x UInt8 DEFAULT 0",
      "ALTER TABLE {db}.spans ON CLUSTER 'prod' ADD COLUMN IF NOT EXISTS x UInt8 DEFAULT 0",
    ]);
  });

  it('produces statements ClickHouse parses', async () => {
    const { client } = embeddedForTests();
    for (const statement of all) {
      const result = await client.query({
        query: 'SELECT formatQuery({q:String}) AS f',
        query_params: { q: statement },
        format: 'JSONEachRow',
      });
      const [row] = await result.json<{ f: string }>();
      expect(row?.f.length).toBeGreaterThan(0);
    }
  });

  it('refuses a statement it has no clustered form for, instead of running it on one node', () => {
    expect(() => clusterStatements('OPTIMIZE TABLE {db}.spans', 'prod')).toThrow(/no clustered form/);
  });
});
