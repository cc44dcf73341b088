// @platformatic/kafka vs kafkajs on the same broker in the same run: producer and consumer rates.
//   bash scripts/engines/kafka.sh start
//   node_modules/.bin/node bench/distributed/kafka-clients.mjs
// Settings (environment): KAFKA_BOOTSTRAP (localhost:19092), MESSAGES (50000), MESSAGE_BYTES (2048),
// BATCH (500 messages per send), CONCURRENCY (4 sends in flight), PARTITIONS (4), ROUNDS (3, alternating clients),
// COMPRESSION (none | gzip: the codecs both clients have without add-ons).
// Both producers are idempotent with acks=all. Each round writes a fresh topic, then a fresh consumer group reads it
// from the beginning; the rate is messages / wall time (consume: from subscribing, which includes joining the group,
// and from the moment the group is joined). The table shows the median round; a round that fails is reported.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Admin, Consumer, Producer, ProduceAcks } from '@platformatic/kafka';
import kafkajs from 'kafkajs';

const { Kafka, CompressionTypes, logLevel } = kafkajs;
const env = (name, fallback) => process.env[name] ?? fallback;
const BOOTSTRAP = env('KAFKA_BOOTSTRAP', 'localhost:19092').split(',');
const MESSAGES = Number(env('MESSAGES', 50_000));
const MESSAGE_BYTES = Number(env('MESSAGE_BYTES', 2048));
const BATCH = Number(env('BATCH', 500));
const CONCURRENCY = Number(env('CONCURRENCY', 4));
const PARTITIONS = Number(env('PARTITIONS', 4));
const ROUNDS = Number(env('ROUNDS', 3));
const COMPRESSION = env('COMPRESSION', 'none');
const RUN = `${Date.now()}-${randomBytes(3).toString('hex')}`;

/** A span-like JSON document padded to MESSAGE_BYTES (mostly text, compressible like real prompts). */
function payloads() {
  const words = 'the refund order shipping invoice model answer question customer policy account'.split(' ');
  const text = Array.from({ length: 2 * MESSAGE_BYTES }, (_, i) => words[(i * 7) % words.length]).join(' ');
  return Array.from({ length: MESSAGES }, (_, i) => {
    const traceId = randomBytes(16).toString('hex');
    const head = JSON.stringify({
      traceId,
      spanId: randomBytes(8).toString('hex'),
      name: 'chat gpt-4o-mini',
      i,
    });
    const pad = MESSAGE_BYTES - head.length - 14;
    const value = `${head.slice(0, -1)},"prompt":"${text.slice(i % 97, (i % 97) + pad)}"}`;
    return { key: Buffer.from(traceId), value: Buffer.from(value) };
  });
}

/** Creates the topic and waits until every partition has a leader, so neither client starts on a fresh topic. */
const createdTopics = new Set();

async function createTopic(topic) {
  createdTopics.add(topic);
  const admin = new Admin({ clientId: 'bench-admin', bootstrapBrokers: BOOTSTRAP });
  await admin.createTopics({ topics: [topic], partitions: PARTITIONS, replicas: 1 });
  for (;;) {
    const metadata = await admin.metadata({ topics: [topic], forceUpdate: true }).catch(() => null);
    const partitions = metadata?.topics.get(topic)?.partitions ?? [];
    if (partitions.length === PARTITIONS && partitions.every((p) => p.leader >= 0)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await admin.close();
  // Leadership reaches the broker's own cache a little after the controller reports it (busy machine).
  await new Promise((r) => setTimeout(r, 2_000));
}

/** Runs `send(batch)` over all messages with CONCURRENCY sends in flight. */
async function pump(messages, send) {
  let next = 0;
  const worker = async () => {
    while (next < messages.length) {
      const batch = messages.slice(next, next + BATCH);
      next += BATCH;
      await send(batch);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

const platformatic = {
  name: '@platformatic/kafka 2.12.1',
  async produce(topic, messages) {
    const producer = new Producer({
      clientId: 'bench-plt',
      bootstrapBrokers: BOOTSTRAP,
      idempotent: true,
      acks: ProduceAcks.ALL,
      compression: COMPRESSION,
    });
    const started = performance.now();
    try {
      await pump(messages, (batch) => producer.send({ messages: batch.map((m) => ({ topic, ...m })) }));
      return performance.now() - started;
    } finally {
      await producer.close(true);
    }
  },
  async consume(topic, count) {
    const consumer = new Consumer({
      clientId: 'bench-plt',
      groupId: `bench-plt-${topic}`,
      bootstrapBrokers: BOOTSTRAP,
    });
    let joined = 0;
    consumer.on('consumer:group:join', () => (joined ||= performance.now()));
    const started = performance.now();
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: 1000 });
    let seen = 0;
    await new Promise((resolve) => {
      stream.on('data', () => {
        if (++seen === count) resolve();
      });
    });
    const end = performance.now();
    await stream.close();
    await consumer.close(true);
    return { total: end - started, streaming: end - joined };
  },
};

const kafkaJs = {
  name: 'kafkajs 2.2.4',
  kafka: new Kafka({ clientId: 'bench-kjs', brokers: BOOTSTRAP, logLevel: logLevel.ERROR }),
  async produce(topic, messages) {
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const compression = COMPRESSION === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
    const started = performance.now();
    try {
      await pump(messages, (batch) => producer.send({ topic, acks: -1, compression, messages: batch }));
      return performance.now() - started;
    } finally {
      await producer.disconnect();
    }
  },
  async consume(topic, count) {
    const consumer = this.kafka.consumer({ groupId: `bench-kjs-${topic}` });
    let joined = 0;
    consumer.on(consumer.events.GROUP_JOIN, () => (joined ||= performance.now()));
    const started = performance.now();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let seen = 0;
    await new Promise((resolve) => {
      void consumer.run({
        eachBatch: async ({ batch }) => {
          seen += batch.messages.length;
          if (seen >= count) resolve();
        },
      });
    });
    const end = performance.now();
    await consumer.disconnect();
    return { total: end - started, streaming: end - joined };
  },
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rate = (ms) => Math.round(MESSAGES / (ms / 1000));

const messages = payloads();
const results = new Map(
  [platformatic, kafkaJs].map((c) => [c.name, { produce: [], consume: [], stream: [], failures: [] }]),
);
console.log(
  `broker ${BOOTSTRAP.join(',')}: ${MESSAGES} messages of ${MESSAGE_BYTES} B, batches of ${BATCH}, ` +
    `${CONCURRENCY} in flight, ${PARTITIONS} partitions, compression ${COMPRESSION}, acks=all, idempotent, ${ROUNDS} rounds`,
);
for (let round = 1; round <= ROUNDS; round++) {
  const order = round % 2 ? [platformatic, kafkaJs] : [kafkaJs, platformatic];
  for (const client of order) {
    const topic = `bench-${RUN}-${round}-${client === platformatic ? 'plt' : 'kjs'}`;
    await createTopic(topic);
    let produceMs;
    let consumed;
    try {
      produceMs = await client.produce(topic, messages);
      consumed = await client.consume(topic, MESSAGES);
    } catch (error) {
      results
        .get(client.name)
        .failures.push(`round ${round}: ${error.type ?? error.code ?? ''} ${error.message}`);
      console.log(`round ${round} ${client.name}: FAILED ${error.stack}`);
      continue;
    }
    results.get(client.name).produce.push(produceMs);
    results.get(client.name).consume.push(consumed.total);
    results.get(client.name).stream.push(consumed.streaming);
    console.log(
      `round ${round} ${client.name}: produce ${rate(produceMs)} msg/s, consume ${rate(consumed.total)} msg/s ` +
        `(${rate(consumed.streaming)} msg/s once the group is joined)`,
    );
  }
}

const rows = [...results].map(([name, r]) => {
  const produceMs = median(r.produce);
  const consumeMs = median(r.consume);
  const streamMs = median(r.stream);
  return {
    client: name,
    'produce msg/s': rate(produceMs),
    'produce MB/s': ((MESSAGES * MESSAGE_BYTES) / 1e6 / (produceMs / 1000)).toFixed(1),
    'consume msg/s (incl. join)': rate(consumeMs),
    'consume msg/s (after join)': rate(streamMs),
    'failed rounds': r.failures.length,
  };
});
console.table(rows);
// The benchmark topics hold about 100 MB each: remove them.
const cleanup = new Admin({ clientId: 'bench-admin', bootstrapBrokers: BOOTSTRAP });
await cleanup
  .deleteTopics({ topics: [...createdTopics] })
  .catch((error) => console.log(`cleanup: ${error.message}`));
await cleanup.close();
for (const [name, r] of results) for (const failure of r.failures) console.log(`${name} failed ${failure}`);
process.exit(0);
