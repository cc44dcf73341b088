import type { Deadline, SpanRecord } from '@driftwatch/contracts';
import { PermanentError, UnavailableError } from '@driftwatch/contracts';
import { Producer, ProduceAcks, stringSerializer } from '@platformatic/kafka';
import type { ResolvedOptions } from './options.js';
import { encodeSpan } from './payload-schema.js';
import { closeWithin } from './time.js';

export type KafkaProducer = Producer<Buffer, Buffer, string, string>;

/** Broker answers that no retry can fix: the batch itself is refused. */
const PERMANENT_BROKER_ERRORS = [
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
];

/**
 * The idempotent producer (acks=all, compressed): one message per span, keyed by trace id, so a trace stays in one
 * partition (ordered, and one writer sees all its spans). Counts the records in flight so the queue can bound memory.
 */
export class SpanProducer {
  readonly client: KafkaProducer;
  private inFlight = 0;

  constructor(private readonly options: ResolvedOptions) {
    this.client = new Producer({
      clientId: `${options.clientId}-producer`,
      bootstrapBrokers: options.bootstrapBrokers,
      idempotent: true,
      acks: ProduceAcks.ALL,
      compression: options.compression,
      connectTimeout: options.connectTimeoutMs,
      // Bounded retries (the library retries an idempotent producer forever by default); offer() has its own timeout.
      retries: 5,
      retryDelay: 250,
      autocreateTopics: false,
      serializers: { headerKey: stringSerializer, headerValue: stringSerializer },
    });
  }

  get recordsInFlight(): number {
    return this.inFlight;
  }

  /**
   * Resolves when every record is acknowledged by all in-sync replicas. Counted in flight until the send really
   * settles, even when the caller stopped waiting, so capacity bounds memory honestly.
   */
  send(records: readonly SpanRecord[], before: Promise<void>): Promise<void> {
    this.inFlight += records.length;
    const messages = records.map((record) => ({
      topic: this.options.topic,
      key: Buffer.from(record.traceId),
      value: encodeSpan(record),
    }));
    return before
      .then(() => this.client.send({ messages }))
      .then(
        () => undefined,
        (error: unknown) => {
          throw classify(error);
        },
      )
      .finally(() => {
        this.inFlight -= records.length;
      });
  }

  async close(deadline: Deadline): Promise<void> {
    await closeWithin((force) => this.client.close(force), deadline);
  }
}

export function classify(error: unknown): Error {
  if (error instanceof UnavailableError || error instanceof PermanentError) return error;
  const text = describe(error);
  if (PERMANENT_BROKER_ERRORS.some((code) => text.includes(code))) {
    return new PermanentError(`Kafka refused the records: ${text}`, { cause: error });
  }
  return new UnavailableError(`Kafka did not acknowledge the records: ${text}`, { cause: error });
}

/** One line from a library error, including nested errors (AggregateError) and causes. */
export function describe(error: unknown, depth = 0): string {
  if (!(error instanceof Error) || depth > 3) return String(error);
  const parts = [error.message];
  const apiId = (error as { apiId?: unknown }).apiId;
  if (typeof apiId === 'string') parts.push(apiId);
  const nested = (error as { errors?: unknown }).errors;
  if (Array.isArray(nested)) parts.push(...nested.slice(0, 2).map((e: unknown) => describe(e, depth + 1)));
  if (error.cause) parts.push(describe(error.cause, depth + 1));
  return parts.join(': ');
}
