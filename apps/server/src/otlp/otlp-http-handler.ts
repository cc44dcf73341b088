import {
  encodeLogsResponseJson,
  encodeLogsResponseProtobuf,
  encodeTraceResponseJson,
  encodeTraceResponseProtobuf,
} from '@driftwatch/otlp';
import {
  BodyTooLargeError,
  CorruptBodyError,
  decodeContentEncoding,
  UnsupportedEncodingError,
} from './body-decoding.js';
import { encodeStatusJson, encodeStatusProtobuf } from './rpc-status.js';
import type { ExportOutcome, OtlpIngest, Signal, WireFormat } from './otlp-ingest.js';

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

// gRPC status codes for the google.rpc.Status body, as the OTLP/HTTP spec suggests.
const RPC = { INVALID_ARGUMENT: 3, RESOURCE_EXHAUSTED: 8, UNAVAILABLE: 14, UNAUTHENTICATED: 16 } as const;

const HTTP_OF: Record<Exclude<ExportOutcome['kind'], 'stored'>, { status: number; rpc: number }> = {
  unauthenticated: { status: 401, rpc: RPC.UNAUTHENTICATED },
  invalid: { status: 400, rpc: RPC.INVALID_ARGUMENT },
  too_large: { status: 413, rpc: RPC.INVALID_ARGUMENT },
  saturated: { status: 429, rpc: RPC.RESOURCE_EXHAUSTED },
  unavailable: { status: 503, rpc: RPC.UNAVAILABLE },
};

/** OTLP/HTTP: content types, Content-Encoding and status codes around the transport-independent ingest. */
export class OtlpHttpHandler {
  constructor(
    private readonly ingest: OtlpIngest,
    private readonly maxDecompressedBytes: number,
  ) {}

  busy(contentType: string | undefined): OtlpHttpResponse {
    return this.failure(
      formatOf(contentType) ?? 'json',
      429,
      RPC.RESOURCE_EXHAUSTED,
      'too many requests in flight',
      1,
    );
  }

  async handle(signal: Signal, request: OtlpHttpRequest): Promise<OtlpHttpResponse> {
    const format = formatOf(request.contentType);
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.authorization ?? '');
    const projectId = await this.ingest.authenticate(match?.[1]);
    if (!projectId) {
      const message = 'missing or unknown API key (send Authorization: Bearer <key>)';
      return this.failure(format ?? 'json', 401, RPC.UNAUTHENTICATED, message);
    }
    if (!format) {
      const message = `unsupported content type "${request.contentType ?? ''}"; use application/x-protobuf or application/json`;
      return this.failure('json', 415, RPC.INVALID_ARGUMENT, message);
    }
    let body: Buffer;
    try {
      body = await decodeContentEncoding(request.body, request.contentEncoding, this.maxDecompressedBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError)
        return this.failure(format, 413, RPC.INVALID_ARGUMENT, error.message);
      if (error instanceof UnsupportedEncodingError)
        return this.failure(format, 415, RPC.INVALID_ARGUMENT, error.message);
      if (error instanceof CorruptBodyError)
        return this.failure(format, 400, RPC.INVALID_ARGUMENT, error.message);
      throw error;
    }
    const outcome = await this.ingest.export(projectId, signal, format, body);
    if (outcome.kind === 'stored') {
      return {
        status: 200,
        headers: { 'content-type': CONTENT_TYPE[format] },
        body: successBody(signal, format, outcome),
      };
    }
    const { status, rpc } = HTTP_OF[outcome.kind];
    const retryAfter = 'retryAfterSeconds' in outcome ? outcome.retryAfterSeconds : undefined;
    return this.failure(format, status, rpc, outcome.message, retryAfter);
  }

  private failure(
    format: WireFormat,
    status: number,
    rpc: number,
    message: string,
    retryAfter?: number,
  ): OtlpHttpResponse {
    const headers: Record<string, string> = {
      'content-type': format === 'protobuf' ? 'application/x-protobuf' : 'application/json',
    };
    if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
    const body = format === 'protobuf' ? encodeStatusProtobuf(rpc, message) : encodeStatusJson(rpc, message);
    return { status, headers, body };
  }
}

const CONTENT_TYPE: Record<WireFormat, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

function successBody(
  signal: Signal,
  format: WireFormat,
  outcome: { rejected: number; errorMessage: string },
): Buffer | string {
  if (signal === 'traces') {
    const partial = { rejectedSpans: outcome.rejected, errorMessage: outcome.errorMessage };
    return format === 'protobuf'
      ? Buffer.from(encodeTraceResponseProtobuf(partial))
      : encodeTraceResponseJson(partial);
  }
  const partial = { rejectedLogRecords: outcome.rejected, errorMessage: outcome.errorMessage };
  return format === 'protobuf'
    ? Buffer.from(encodeLogsResponseProtobuf(partial))
    : encodeLogsResponseJson(partial);
}

function formatOf(contentType: string | undefined): WireFormat | null {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return null;
}
