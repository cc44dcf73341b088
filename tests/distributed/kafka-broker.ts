import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { Admin, Consumer, Producer, type Message } from '@platformatic/kafka';

/** The broker started by scripts/engines/kafka.sh (KAFKA_BOOTSTRAP, default localhost:19092). */
export const KAFKA_BOOTSTRAP = process.env.KAFKA_BOOTSTRAP ?? 'localhost:19092';
export const brokers = KAFKA_BOOTSTRAP.split(',');

/** Fails (never skips) when no broker answers, saying how to start one. */
export async function requireBroker(): Promise<void> {
  const [host = 'localhost', port = '19092'] = (brokers[0] ?? '').split(':');
  const reachable = await new Promise<boolean>((resolve) => {
    const socket = connect({ host, port: Number(port), timeout: 3_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
  if (!reachable) {
    throw new Error(
      `Kafka is not reachable at ${KAFKA_BOOTSTRAP} (KAFKA_BOOTSTRAP). Start it with: bash scripts/engines/kafka.sh start`,
    );
  }
}

export const unique = (prefix: string): string => `${prefix}-${Date.now()}-${randomBytes(3).toString('hex')}`;

export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 30_000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Committed offset of partition 0 of the topic for the group; -1 when nothing is committed. */
export function committedOffset(groupId: string, topic: string): Promise<bigint> {
  return committedOffsetOf(groupId, topic, 0);
}

/** Committed offset of one partition of the topic for the group; -1 when nothing is committed. */
export async function committedOffsetOf(
  groupId: string,
  topic: string,
  partitionIndex: number,
): Promise<bigint> {
  const admin = new Admin({ clientId: 'test-admin', bootstrapBrokers: brokers });
  try {
    const [group] = await admin.listConsumerGroupOffsets({
      groups: [{ groupId, topics: [{ name: topic, partitionIndexes: [partitionIndex] }] }],
    });
    const partition = group?.topics.find((t) => t.name === topic)?.partitions[0];
    return partition?.committedOffset ?? -1n;
  } finally {
    await admin.close();
  }
}

/** Writes raw bytes to a topic, bypassing the queue (to plant poison messages). */
export async function produceRaw(topic: string, values: Buffer[]): Promise<void> {
  const producer = new Producer({ clientId: 'test-raw-producer', bootstrapBrokers: brokers });
  try {
    await producer.send({ messages: values.map((value) => ({ topic, key: Buffer.from('poison'), value })) });
  } finally {
    await producer.close();
  }
}

/** Reads `count` messages of a topic from the beginning (a throwaway group). */
export async function readTopic(topic: string, count: number, ms = 30_000): Promise<Message[]> {
  const consumer = new Consumer({
    clientId: 'test-reader',
    groupId: unique('reader'),
    bootstrapBrokers: brokers,
  });
  const messages: Message[] = [];
  try {
    const stream = await consumer.consume({
      topics: [topic],
      mode: 'earliest',
      autocommit: false,
      maxWaitTime: 200,
    });
    stream.on('data', (message: Message) => messages.push(message));
    await eventually(() => (messages.length >= count ? true : undefined), ms);
    await stream.close();
    return messages;
  } finally {
    await consumer.close(true);
  }
}

export const header = (message: Message, name: string): string | undefined =>
  [...message.headers].find(([k]) => k.toString() === name)?.[1].toString();
