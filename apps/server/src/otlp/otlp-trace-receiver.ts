import type { ApiKeyVerifier, OtlpTraceRequest, SpanQueue } from '@driftwatch/contracts';
import { SaturatedError, UnavailableError } from '@driftwatch/contracts';
import { normalizeTraceRequest } from '@driftwatch/normalize';
import {
  decodeTraceRequestJson,
  decodeTraceRequestProtobuf,
  encodeTraceResponseJson,
  encodeTraceResponseProtobuf,
  OtlpDecodeError,
} from '@driftwatch/otlp';
import {
  BodyTooLargeError,
  CorruptBodyError,
  decodeContentEncoding,
  UnsupportedEncodingError,
} from './body-decoding.js';
import { encodeStatusJson, encodeStatusProtobuf } from './rpc-status.js';

export interface OtlpHttpRequest {
  body: Buffer;
  contentType: string | undefined;
  contentEncoding: string | undefined;
  authorization: string | undefined;
}

export interface OtlpHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

export interface ReceiverLimits {
  maxDecompressedBytes: number;
  maxInflightRequests: number;
  maxInflightBytes: number;
}

type WireFormat = 'protobuf' | 'json';

// gRPC status codes used in the Status body, as the OTLP spec suggests.
const RPC = { INVALID_ARGUMENT: 3, UNAUTHENTICATED: 16, RESOURCE_EXHAUSTED: 8, UNAVAILABLE: 14 } as const;

/**
 * OTLP/HTTP trace export, independent of the web framework: authenticate, decode, normalize, and answer
 * 200 only after the queue says the spans are durable. Bounded: past the in-flight request or byte
 * budget it answers 429 with Retry-After instead of buffering more.
 */
export class OtlpTraceReceiver {
  private inflightRequests = 0;
  private inflightBytes = 0;

  constructor(
    private readonly keys: ApiKeyVerifier,
    private readonly queue: SpanQueue,
    private readonly limits: ReceiverLimits,
  ) {}

  /** Called before the body is read; false means answer busy() right away. */
  tryAdmit(): boolean {
    if (this.inflightRequests >= this.limits.maxInflightRequests) return false;
    this.inflightRequests += 1;
    return true;
  }

  release(): void {
    this.inflightRequests = Math.max(0, this.inflightRequests - 1);
  }

  busy(contentType: string | undefined): OtlpHttpResponse {
    return this.error(
      formatOf(contentType) ?? 'json',
      429,
      RPC.RESOURCE_EXHAUSTED,
      'too many requests in flight',
      1,
    );
  }

  async handle(request: OtlpHttpRequest): Promise<OtlpHttpResponse> {
    const format = formatOf(request.contentType);
    const projectId = await this.authenticate(request.authorization);
    if (!projectId) {
      return this.error(
        format ?? 'json',
        401,
        RPC.UNAUTHENTICATED,
        'missing or unknown API key (send Authorization: Bearer <key>)',
      );
    }
    if (!format) {
      return this.error(
        'json',
        415,
        RPC.INVALID_ARGUMENT,
        `unsupported content type "${request.contentType ?? ''}"; use application/x-protobuf or application/json`,
      );
    }
    let body: Buffer;
    try {
      body = await decodeContentEncoding(
        request.body,
        request.contentEncoding,
        this.limits.maxDecompressedBytes,
      );
    } catch (error) {
      if (error instanceof BodyTooLargeError)
        return this.error(format, 413, RPC.INVALID_ARGUMENT, error.message);
      if (error instanceof UnsupportedEncodingError)
        return this.error(format, 415, RPC.INVALID_ARGUMENT, error.message);
      if (error instanceof CorruptBodyError)
        return this.error(format, 400, RPC.INVALID_ARGUMENT, error.message);
      throw error;
    }
    if (this.inflightBytes + body.length > this.limits.maxInflightBytes) {
      return this.error(format, 429, RPC.RESOURCE_EXHAUSTED, 'ingest is saturated', 1);
    }
    this.inflightBytes += body.length;
    try {
      return await this.ingest(format, body, projectId);
    } finally {
      this.inflightBytes -= body.length;
    }
  }

  private async ingest(format: WireFormat, body: Buffer, projectId: string): Promise<OtlpHttpResponse> {
    let decoded: OtlpTraceRequest;
    try {
      decoded =
        format === 'protobuf'
          ? decodeTraceRequestProtobuf(body)
          : decodeTraceRequestJson(body.toString('utf8'));
    } catch (error) {
      if (error instanceof OtlpDecodeError) {
        return this.error(format, 400, RPC.INVALID_ARGUMENT, `malformed OTLP ${format}: ${error.message}`);
      }
      throw error;
    }
    const { records, rejected } = normalizeTraceRequest(decoded, { projectId });
    try {
      await this.queue.offer(records);
    } catch (error) {
      if (error instanceof SaturatedError) {
        return this.error(format, 429, RPC.RESOURCE_EXHAUSTED, error.message, error.retryAfterSeconds);
      }
      const message =
        error instanceof UnavailableError ? error.message : 'spans could not be stored; retry later';
      return this.error(format, 503, RPC.UNAVAILABLE, message, 2);
    }
    const partial = {
      rejectedSpans: rejected.length,
      errorMessage: rejected.length ? summarizeRejections(rejected) : '',
    };
    return format === 'protobuf'
      ? {
          status: 200,
          headers: { 'content-type': 'application/x-protobuf' },
          body: Buffer.from(encodeTraceResponseProtobuf(partial)),
        }
      : {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: encodeTraceResponseJson(partial),
        };
  }

  private async authenticate(authorization: string | undefined): Promise<string | null> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    return match?.[1] ? this.keys.projectFor(match[1]) : null;
  }

  private error(
    format: WireFormat,
    status: number,
    rpcCode: number,
    message: string,
    retryAfterSeconds?: number,
  ): OtlpHttpResponse {
    const headers: Record<string, string> = {
      'content-type': format === 'protobuf' ? 'application/x-protobuf' : 'application/json',
    };
    if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
    const body =
      format === 'protobuf' ? encodeStatusProtobuf(rpcCode, message) : encodeStatusJson(rpcCode, message);
    return { status, headers, body };
  }
}

function formatOf(contentType: string | undefined): WireFormat | null {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return null;
}

function summarizeRejections(rejected: Array<{ spanId: string; reason: string }>): string {
  const shown = rejected.slice(0, 5).map((r) => `${r.spanId || '(no id)'}: ${r.reason}`);
  const more = rejected.length > shown.length ? `; and ${rejected.length - shown.length} more` : '';
  return `${rejected.length} span(s) rejected: ${shown.join('; ')}${more}`;
}
