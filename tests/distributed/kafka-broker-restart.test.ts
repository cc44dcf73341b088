import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spanRecord } from '@driftwatch/contract-tests';
import type { QueueDelivery, SpanRecord } from '@driftwatch/contracts';
import { deadlineIn, isRetryable } from '@driftwatch/contracts';
import { KafkaSpanQueue } from '@driftwatch/queue-kafka';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, unique } from './kafka-broker.js';

// A broker of its own (other ports, a throwaway data dir), so stopping it disturbs no other test.
const harness = join(import.meta.dirname, '../../scripts/engines/kafka.sh');
const port = Number(process.env.KAFKA_RESTART_TEST_PORT ?? 19192);
const dataDir = mkdtempSync(join(tmpdir(), 'driftwatch-kafka-restart-'));
const env = {
  ...process.env,
  KAFKA_PORT: String(port),
  KAFKA_CONTROLLER_PORT: String(port + 1),
  KAFKA_DATA_DIR: dataDir,
};
const run = promisify(execFile);
const broker = (command: 'start' | 'stop') => run('bash', [harness, command], { env, timeout: 170_000 });

beforeAll(() => broker('start'), 180_000);
afterAll(async () => {
  await broker('stop');
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

it('loses no acknowledged span when the broker is stopped mid-stream and restarted', async () => {
  const queue = new KafkaSpanQueue({
    bootstrapBrokers: [`localhost:${port}`],
    topic: unique('spans'),
    groupId: unique('writers'),
    capacity: 2_000,
    partitions: 2,
    offerTimeoutMs: 3_000,
    connectTimeoutMs: 1_000,
    onError: (_error, context) => {
      if (context.includes('reconnecting')) reconnects += 1;
    },
  });
  let reconnects = 0;
  const delivered = new Set<string>();
  await queue.start();
  queue.subscribe({
    deliver(delivery: QueueDelivery) {
      for (const r of delivery.records) delivered.add(r.spanId);
      delivery.ack();
    },
  });

  const acknowledged = new Set<string>();
  let rejected = 0;
  let offering = true;
  const offers = (async () => {
    while (offering) {
      const batch: SpanRecord[] = Array.from({ length: 10 }, () => spanRecord());
      try {
        await queue.offer(batch);
        for (const r of batch) acknowledged.add(r.spanId);
      } catch (error) {
        expect(isRetryable(error)).toBe(true);
        rejected += 1;
        await new Promise((r) => setTimeout(r, 200));
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();

  await eventually(() => (delivered.size >= 100 ? true : undefined));
  await broker('stop');
  const beforeRestart = acknowledged.size;
  await new Promise((r) => setTimeout(r, 3_000));
  await broker('start');
  // Offers succeed again by themselves, and consumption resumes.
  await eventually(() => (acknowledged.size >= beforeRestart + 200 ? true : undefined), 90_000);
  offering = false;
  await offers;

  await eventually(() => ([...acknowledged].every((id) => delivered.has(id)) ? true : undefined), 90_000);
  console.log(
    `broker restart: ${acknowledged.size} spans acknowledged, ${rejected} offers rejected (retryable) while down, ` +
      `${delivered.size} distinct spans delivered, consumer reconnected ${reconnects} times`,
  );
  expect(rejected).toBeGreaterThan(0);
  await queue.shutdown(deadlineIn(5_000));
}, 240_000);
