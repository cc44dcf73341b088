import type { QueueConsumer, QueueDelivery, RejectedRecord, SpanRecord } from '@driftwatch/contracts';

/**
 * Wraps the writer so that, once it acked a delivery (the spans are stored), `onStored` sees the stored records:
 * the queue is acked first, so ingest never waits on the observer, and the observer must only enqueue.
 * Records the writer rejected are left out; a failed delivery is shown when it is redelivered and stored.
 */
export function tapStored(
  writer: QueueConsumer,
  onStored: (records: readonly SpanRecord[]) => void,
  onError: (error: unknown) => void,
): QueueConsumer {
  return {
    deliver(delivery: QueueDelivery): void {
      let settled = false;
      writer.deliver({
        records: delivery.records,
        ack: (rejected?: readonly RejectedRecord[]) => {
          if (settled) return;
          settled = true;
          delivery.ack(rejected);
          const refused = new Set(rejected?.map((r) => r.record));
          const stored = refused.size ? delivery.records.filter((r) => !refused.has(r)) : delivery.records;
          try {
            onStored(stored);
          } catch (error) {
            onError(error);
          }
        },
        fail: (error: unknown) => {
          if (settled) return;
          settled = true;
          delivery.fail(error);
        },
      });
    },
  };
}
