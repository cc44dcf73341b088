import type { Readable } from 'node:stream';
import {
  encodeLogsResponseJson,
  encodeLogsResponseProtobuf,
  encodeRpcStatusJson,
  encodeRpcStatusProtobuf,
  encodeTraceResponseJson,
  encodeTraceResponseProtobuf,
} from '@driftwatch/otlp';
import type { AdmissionTicket } from './admission.js';
import { bearerKey } from './bearer.js';
import {
  BodyAbortedError,
  BodyTooLargeError,
  BudgetExhaustedError,
  contentEncodingOf,
  CorruptBodyError,
  readBody,
  UnsupportedEncodingError,
} from './body-decoding.js';
import type { ExportOutcome, OtlpIngest, Signal, WireFormat } from './otlp-ingest.js';

export interface OtlpHttpRequest {
  /** The body as it arrives; read here, under the limits, only once the request is authenticated. */
  body: Readable;
  contentType: string | undefined;
  contentEncoding: string | undefined;
  authorization: string | undefined;
}

export interface OtlpHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

export interface OtlpHttpLimits {
  maxBodyBytes: number;
  maxDecompressedBytes: number;
}

// gRPC status codes for the google.rpc.Status body, as the OTLP/HTTP spec suggests.
const RPC = {
  INVALID_ARGUMENT: 3,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

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
    private readonly limits: OtlpHttpLimits,
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

  /**
   * Answers one export admitted under `ticket`; null when the client went away before its body was
   * complete (nobody to answer). Headers are checked before the body is read, so a request without a key
   * costs no memory; a body refused midway is answered with Connection: close and the rest discarded.
   */
  async handle(
    signal: Signal,
    request: OtlpHttpRequest,
    ticket: AdmissionTicket,
  ): Promise<OtlpHttpResponse | null> {
    const format = formatOf(request.contentType);
    const key = bearerKey(request.authorization);
    const projectId = await this.ingest.authenticate(key);
    if (!projectId) {
      // A browser-safe public key (dwpk_) is never an ingest key, whether or not it exists.
      if (key?.startsWith('dwpk_')) {
        const message = 'a public key (dwpk_) can only send feedback; send traces with a project key (dw_)';
        return this.failure(format ?? 'json', 403, RPC.PERMISSION_DENIED, message);
      }
      const message = 'missing or unknown API key (send Authorization: Bearer <key>)';
      return this.failure(format ?? 'json', 401, RPC.UNAUTHENTICATED, message);
    }
    if (!format) {
      const message = `unsupported content type "${request.contentType ?? ''}"; use application/x-protobuf or application/json`;
      return this.failure('json', 415, RPC.INVALID_ARGUMENT, message);
    }
    let body: Buffer;
    try {
      body = await readBody(request.body, contentEncodingOf(request.contentEncoding), {
        ...this.limits,
        reserve: (bytes) => ticket.reserve(bytes),
      });
    } catch (error) {
      if (error instanceof BodyAbortedError) return null;
      const refused = this.refusedBody(format, error);
      if (!refused) throw error;
      refused.headers['connection'] = 'close';
      return refused;
    }
    const outcome = await this.ingest.export(ticket, projectId, signal, format, body);
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

  private refusedBody(format: WireFormat, error: unknown): OtlpHttpResponse | null {
    if (error instanceof BodyTooLargeError)
      return this.failure(format, 413, RPC.INVALID_ARGUMENT, error.message);
    if (error instanceof BudgetExhaustedError)
      return this.failure(format, 429, RPC.RESOURCE_EXHAUSTED, error.message, 1);
    if (error instanceof UnsupportedEncodingError)
      return this.failure(format, 415, RPC.INVALID_ARGUMENT, error.message);
    if (error instanceof CorruptBodyError)
      return this.failure(format, 400, RPC.INVALID_ARGUMENT, error.message);
    return null;
  }

  private failure(
    format: WireFormat,
    status: number,
    code: number,
    message: string,
    retryDelaySeconds?: number,
  ): OtlpHttpResponse {
    const headers: Record<string, string> = {
      'content-type': format === 'protobuf' ? 'application/x-protobuf' : 'application/json',
    };
    if (retryDelaySeconds !== undefined) headers['retry-after'] = String(retryDelaySeconds);
    const rpcStatus = { code, message, retryDelaySeconds };
    const body =
      format === 'protobuf'
        ? Buffer.from(encodeRpcStatusProtobuf(rpcStatus))
        : encodeRpcStatusJson(rpcStatus);
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
