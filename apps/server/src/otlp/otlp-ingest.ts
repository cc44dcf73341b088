import type {
  ApiKeyVerifier,
  LlmEventWriter,
  OtlpLogRecord,
  OtlpTraceRequest,
  PriceOverride,
  PriceOverrideStore,
  SpanQueue,
} from '@driftwatch/contracts';
import { SaturatedError, UnavailableError } from '@driftwatch/contracts';
import { normalizeTraceRequest, Pricer } from '@driftwatch/normalize';
import {
  decodeLogsRequestJson,
  decodeLogsRequestProtobuf,
  decodeTraceRequestJson,
  decodeTraceRequestProtobuf,
  OtlpDecodeError,
} from '@driftwatch/otlp';
import { Admission, type AdmissionLimits, type AdmissionTicket } from './admission.js';

export type WireFormat = 'protobuf' | 'json';
export type Signal = 'traces' | 'logs';

/** What an export came to, independent of transport; HTTP and gRPC map it to their own statuses. */
export type ExportOutcome =
  | { kind: 'stored'; rejected: number; errorMessage: string }
  | { kind: 'unauthenticated' | 'invalid' | 'too_large'; message: string }
  | { kind: 'saturated' | 'unavailable'; message: string; retryAfterSeconds: number };

// Decoding and normalizing a request take 6-11 times its size in memory (measured for OTLP/JSON and
// protobuf): counted against the in-flight budget before decoding starts.
const DECODE_BYTES_PER_BODY_BYTE = 8;

export interface IngestLimits extends AdmissionLimits {
  /** Longest an export waits for the queue before the client is told to retry. */
  exportTimeoutMs: number;
}

/**
 * The transport-independent core of OTLP trace export: authenticate, decode, normalize, and report
 * 'stored' only after the queue says the spans are durable. Bounded: past the in-flight request or byte
 * budget (see Admission) transports answer 'saturated' instead of buffering more.
 */
export class OtlpIngest {
  readonly admission: Admission;
  private readonly pricers = new WeakMap<readonly PriceOverride[], Pricer>();

  constructor(
    private readonly keys: ApiKeyVerifier,
    private readonly queue: SpanQueue,
    private readonly events: LlmEventWriter,
    private readonly limits: IngestLimits,
    /** current() returns the same array while the overrides are unchanged: a Pricer is cached per array. */
    private readonly prices: Pick<PriceOverrideStore, 'current'>,
  ) {
    this.admission = new Admission(limits);
  }

  private async pricerFor(projectId: string): Promise<Pricer> {
    const overrides = await this.prices.current(projectId);
    let pricer = this.pricers.get(overrides);
    if (!pricer) {
      pricer = new Pricer(overrides);
      this.pricers.set(overrides, pricer);
    }
    return pricer;
  }

  /** Taken before a body is read; null means answer 'saturated' right away. */
  tryAdmit(): AdmissionTicket | null {
    return this.admission.tryAdmit();
  }

  /** The project of a bearer key, or null for a missing, unknown or revoked one. */
  async authenticate(apiKey: string | undefined): Promise<string | null> {
    return apiKey ? this.keys.projectFor(apiKey) : null;
  }

  /**
   * Decodes and stores a body the transport has already counted against `ticket`. Past the export
   * timeout the client is told to retry (a retried span is stored once); the work still holds the
   * ticket until it ends, since its memory is still in use.
   */
  async export(
    ticket: AdmissionTicket,
    projectId: string,
    signal: Signal,
    format: WireFormat,
    body: Uint8Array,
  ): Promise<ExportOutcome> {
    const release = ticket.retain();
    if (!release) return { kind: 'unavailable', message: 'request already ended', retryAfterSeconds: 1 };
    if (!ticket.reserveWorking(DECODE_BYTES_PER_BODY_BYTE * body.length)) {
      release();
      return {
        kind: 'saturated',
        message: 'ingest is saturated (in-flight bytes over budget); retry later',
        retryAfterSeconds: 1,
      };
    }
    const work = (
      signal === 'traces'
        ? this.decodeAndQueue(projectId, format, body)
        : this.decodeAndStoreEvents(projectId, format, body)
    ).finally(release);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<ExportOutcome>((resolve) => {
      timer = setTimeout(
        () =>
          resolve({
            kind: 'unavailable',
            message: `spans were not stored within ${this.limits.exportTimeoutMs} ms; retry later`,
            retryAfterSeconds: 1,
          }),
        this.limits.exportTimeoutMs,
      );
    });
    try {
      return await Promise.race([work, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Logs: only GenAI events linked to a span are kept (they hold the conversation of instrumentations that
   * send content as log records); other log records are accepted and ignored, Driftwatch is no log store.
   */
  private async decodeAndStoreEvents(
    projectId: string,
    format: WireFormat,
    body: Uint8Array,
  ): Promise<ExportOutcome> {
    let records: OtlpLogRecord[];
    try {
      const decoded =
        format === 'protobuf' ? decodeLogsRequestProtobuf(body) : decodeLogsRequestJson(utf8(body));
      records = decoded.resourceLogs
        .flatMap((r) => r.scopeLogs.flatMap((s) => s.logRecords))
        .filter(isLinkedGenAiEvent);
    } catch (error) {
      if (error instanceof OtlpDecodeError)
        return { kind: 'invalid', message: `malformed OTLP ${format}: ${error.message}` };
      throw error;
    }
    try {
      await this.events.insertLlmEvents(projectId, records);
    } catch {
      return {
        kind: 'unavailable',
        message: 'log records could not be stored; retry later',
        retryAfterSeconds: 2,
      };
    }
    return { kind: 'stored', rejected: 0, errorMessage: '' };
  }

  private async decodeAndQueue(
    projectId: string,
    format: WireFormat,
    body: Uint8Array,
  ): Promise<ExportOutcome> {
    let decoded: OtlpTraceRequest;
    try {
      decoded =
        format === 'protobuf'
          ? decodeTraceRequestProtobuf(body)
          : decodeTraceRequestJson(
              Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'),
            );
    } catch (error) {
      if (error instanceof OtlpDecodeError) {
        return { kind: 'invalid', message: `malformed OTLP ${format}: ${error.message}` };
      }
      throw error;
    }
    let pricer: Pricer;
    try {
      pricer = await this.pricerFor(projectId);
    } catch {
      // Without the project's overrides the spans would be stored with the wrong cost: retry later instead.
      return {
        kind: 'unavailable',
        message: 'price overrides could not be read; retry later',
        retryAfterSeconds: 2,
      };
    }
    const { records, rejected } = normalizeTraceRequest(decoded, { projectId, pricer });
    let notStored: readonly { spanId: string; reason: string }[];
    try {
      // Spans the store refused (dead-lettered) were not stored: the client hears so, never a plain 200.
      ({ deadLettered: notStored } = await this.queue.offer(records));
    } catch (error) {
      if (error instanceof SaturatedError) {
        return { kind: 'saturated', message: error.message, retryAfterSeconds: error.retryAfterSeconds };
      }
      const message =
        error instanceof UnavailableError ? error.message : 'spans could not be stored; retry later';
      return { kind: 'unavailable', message, retryAfterSeconds: 2 };
    }
    const all = notStored.length ? [...rejected, ...notStored] : rejected;
    return {
      kind: 'stored',
      rejected: all.length,
      errorMessage: all.length ? summarizeRejections(all) : '',
    };
  }
}

function summarizeRejections(rejected: Array<{ spanId: string; reason: string }>): string {
  const shown = rejected.slice(0, 5).map((r) => `${r.spanId || '(no id)'}: ${r.reason}`);
  const more = rejected.length > shown.length ? `; and ${rejected.length - shown.length} more` : '';
  return `${rejected.length} span(s) rejected: ${shown.join('; ')}${more}`;
}

function utf8(body: Uint8Array): string {
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
}

const HEX_TRACE = /^[0-9a-f]{32}$/;
const HEX_SPAN = /^[0-9a-f]{16}$/;

function isLinkedGenAiEvent(record: OtlpLogRecord): boolean {
  const name = record.eventName || String(record.attributes['event.name'] ?? '');
  return name.startsWith('gen_ai.') && HEX_TRACE.test(record.traceId) && HEX_SPAN.test(record.spanId);
}
