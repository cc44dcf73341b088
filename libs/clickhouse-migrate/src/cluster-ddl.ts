/**
 * The clustered form of a single-node migration statement, so one migration list serves both: tables holding
 * per-trace data (`sharded`) become `<name>_local` Replicated* tables on every shard plus a Distributed `<name>`
 * sharded by trace id (a trace stays on one shard, so FINAL still collapses retried rows); small tables are
 * replicated to every node; every statement runs ON CLUSTER. Statements are templates ({db} is substituted afterwards).
 */

const CREATE_TABLE = /CREATE TABLE IF NOT EXISTS \{db\}\.(\w+) \(/;
const ENGINE = /ENGINE = (ReplacingMergeTree|AggregatingMergeTree|MergeTree)(?:\((\w*)\))?/;
const MATERIALIZED_VIEW = /CREATE MATERIALIZED VIEW IF NOT EXISTS \{db\}\.(\w+) TO \{db\}\.(\w+) AS/;
const ALTER_TABLE = /^(\s*)ALTER TABLE \{db\}\.(\w+) /;
const CREATE_DATABASE = /^(\s*)CREATE DATABASE IF NOT EXISTS \{db\}\s*$/;
const INSERT_SELECT = /^\s*INSERT INTO \{db\}\.\w+\s/;

export function clusterStatements(
  statement: string,
  cluster: string,
  sharded: ReadonlySet<string>,
): string[] {
  const local = (name: string) => (sharded.has(name) ? `${name}_local` : name);
  const on = `ON CLUSTER '${cluster}'`;
  if (CREATE_DATABASE.test(statement)) return [`${statement.trim()} ${on}`];
  const table = CREATE_TABLE.exec(statement);
  if (table) {
    const name = table[1] as string;
    const shard = sharded.has(name) ? '{shard}' : 'all';
    const created = statement
      .replace(CREATE_TABLE, `CREATE TABLE IF NOT EXISTS {db}.${local(name)} ${on} (`)
      .replace(ENGINE, (_match, engine: string, args?: string) => {
        const path = `'/clickhouse/tables/${shard}/{db}/${name}', '{replica}'`;
        return `ENGINE = Replicated${engine}(${path}${args ? `, ${args}` : ''})`;
      });
    if (!sharded.has(name)) return [created];
    return [
      created,
      `CREATE TABLE IF NOT EXISTS {db}.${name} ${on} AS {db}.${name}_local
       ENGINE = Distributed('${cluster}', {db}, ${name}_local, cityHash64(trace_id))`,
    ];
  }
  const view = MATERIALIZED_VIEW.exec(statement);
  if (view) {
    let rewritten = statement.replace(
      MATERIALIZED_VIEW,
      `CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.${view[1]} ${on} TO {db}.${local(view[2] as string)} AS`,
    );
    // The view fires on inserts into the shard-local table, where the rows land.
    for (const name of sharded)
      rewritten = rewritten.replaceAll(`FROM {db}.${name} `, `FROM {db}.${name}_local `);
    return [rewritten];
  }
  const alter = ALTER_TABLE.exec(statement);
  if (alter) {
    const name = alter[2] as string;
    const altered = [statement.replace(ALTER_TABLE, `$1ALTER TABLE {db}.${local(name)} ${on} `)];
    // A column added to a sharded table must also appear on its Distributed table, which reads through it.
    if (sharded.has(name) && /\bADD COLUMN\b/.test(statement))
      altered.push(statement.replace(ALTER_TABLE, `$1ALTER TABLE {db}.${name} ${on} `));
    return altered;
  }
  // A backfill runs once, from the node migrating, through the Distributed tables (which route rows by trace id).
  if (INSERT_SELECT.test(statement)) return [statement];
  throw new Error(`no clustered form for statement: ${statement.trim().slice(0, 80)}`);
}
