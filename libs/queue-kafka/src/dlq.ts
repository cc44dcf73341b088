import type { Producer } from '@platformatic/kafka';

/** Where a dead-lettered message came from. */
export interface DeadLetterSource {
  topic: string;
  partition: number;
  offset: bigint;
}

export interface DeadLetterMessage {
  key: Buffer | undefined;
  /** The original bytes, kept as they were so the message can be inspected or replayed. */
  value: Buffer | undefined;
  source: DeadLetterSource;
}

export const DLQ_REASON_HEADER = 'driftwatch-dlq-reason';
export const DLQ_SOURCE_HEADER = 'driftwatch-dlq-source';
export const DLQ_AT_HEADER = 'driftwatch-dlq-at';

/** The dead-letter topic: original key and value, the reason and the source position in headers. */
export class DeadLetterTopic {
  constructor(
    private readonly producer: Producer<Buffer, Buffer, string, string>,
    readonly topic: string,
  ) {}

  async put(messages: readonly DeadLetterMessage[], reason: string): Promise<void> {
    if (messages.length === 0) return;
    const at = new Date().toISOString();
    await this.producer.send({
      messages: messages.map((m) => {
        const message: { topic: string; key?: Buffer; value?: Buffer; headers: Record<string, string> } = {
          topic: this.topic,
          headers: {
            [DLQ_REASON_HEADER]: reason.slice(0, 4_000),
            [DLQ_SOURCE_HEADER]: `${m.source.topic}/${m.source.partition}@${m.source.offset}`,
            [DLQ_AT_HEADER]: at,
          },
        };
        if (m.key) message.key = m.key;
        if (m.value) message.value = m.value;
        return message;
      }),
    });
  }
}
