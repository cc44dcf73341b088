// OTLP -> Kafka -> writer -> store throughput and ingest-to-queryable latency: the ingest benchmark
// (bench/ingest/run.mjs, same load, same figures) with the server's queue switched to a real Kafka topic,
// followed by the Kafka client comparison on the same broker. Needs a broker:
//   bash scripts/engines/kafka.sh start && node_modules/.bin/node bench/distributed/run.mjs [ingest options]
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const brokers = process.env.KAFKA_BOOTSTRAP ?? 'localhost:19092';
const suffix = randomBytes(3).toString('hex');

console.log(`== OTLP -> Kafka (${brokers}) -> writer -> ClickHouse engine`);
const ingest = spawnSync(
  process.execPath,
  [join(root, 'bench', 'ingest', 'run.mjs'), ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    env: {
      ...process.env,
      DRIFTWATCH_QUEUE: 'kafka',
      DRIFTWATCH_KAFKA_BROKERS: brokers,
      DRIFTWATCH_KAFKA_TOPIC: `bench-spans-${suffix}`,
      DRIFTWATCH_KAFKA_GROUP: `bench-writer-${suffix}`,
    },
  },
);
if (ingest.status !== 0) process.exit(ingest.status ?? 1);

console.log('\n== Kafka clients on the same broker: @platformatic/kafka vs kafkajs');
const clients = spawnSync(process.execPath, [join(root, 'bench', 'distributed', 'kafka-clients.mjs')], {
  stdio: 'inherit',
  env: { ...process.env, KAFKA_BOOTSTRAP: brokers },
});
process.exit(clients.status ?? 1);
