import * as grpc from '@grpc/grpc-js';
import { type Deadline, msLeft } from '@driftwatch/contracts';
import {
  encodeLogsResponseProtobuf,
  encodeRpcStatusProtobuf,
  encodeTraceResponseProtobuf,
} from '@driftwatch/otlp';
import { bearerKey } from './bearer.js';
import type { ExportOutcome, OtlpIngest, Signal } from './otlp-ingest.js';

const identity = (bytes: Buffer) => bytes;

/** An OTLP Export service with raw-bytes (de)serializers: our own decoders read the request, no proto loading. */
function exportService(path: string): grpc.ServiceDefinition {
  return {
    Export: {
      path,
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    },
  };
}
const TRACE_SERVICE = exportService('/opentelemetry.proto.collector.trace.v1.TraceService/Export');
const LOGS_SERVICE = exportService('/opentelemetry.proto.collector.logs.v1.LogsService/Export');

const CODE_OF: Record<Exclude<ExportOutcome['kind'], 'stored'>, grpc.status> = {
  unauthenticated: grpc.status.UNAUTHENTICATED,
  invalid: grpc.status.INVALID_ARGUMENT,
  too_large: grpc.status.RESOURCE_EXHAUSTED,
  // OTLP clients retry UNAVAILABLE, honouring the RetryInfo delay we attach.
  saturated: grpc.status.UNAVAILABLE,
  unavailable: grpc.status.UNAVAILABLE,
};

export interface GrpcLimits {
  maxMessageBytes: number;
  /** A connection without calls is closed after this long; keepalive pings find dead peers as often. */
  idleTimeoutMs: number;
  /** Grace given to calls still running when a connection reaches its maximum age. */
  callGraceMs: number;
}

// Connections are recycled after this long (with the grace above for calls in flight), so none lives forever
// and clients rebalance across replicas.
const MAX_CONNECTION_AGE_MS = 30 * 60_000;
const KEEPALIVE_ACK_TIMEOUT_MS = 20_000;

/** OTLP/gRPC (traces and GenAI log events) on its own port, with the same authentication, limits and partial success as OTLP/HTTP. */
export class OtlpGrpcServer {
  private readonly server: grpc.Server;

  constructor(
    private readonly ingest: OtlpIngest,
    limits: GrpcLimits,
  ) {
    this.server = new grpc.Server({
      'grpc.max_receive_message_length': limits.maxMessageBytes,
      'grpc.max_send_message_length': 1024 * 1024,
      'grpc.max_connection_idle_ms': limits.idleTimeoutMs,
      'grpc.max_connection_age_ms': MAX_CONNECTION_AGE_MS,
      'grpc.max_connection_age_grace_ms': limits.callGraceMs,
      'grpc.keepalive_time_ms': limits.idleTimeoutMs,
      'grpc.keepalive_timeout_ms': KEEPALIVE_ACK_TIMEOUT_MS,
    });
    const handlers = (signal: Signal): grpc.UntypedServiceImplementation => ({
      Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) =>
        void this.export(signal, call, callback),
    });
    this.server.addService(TRACE_SERVICE, handlers('traces'));
    this.server.addService(LOGS_SERVICE, handlers('logs'));
  }

  start(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      );
    });
  }

  /** Lets calls in flight finish until the deadline, then cuts the rest off. Safe without start(). */
  shutdown(deadline: Deadline): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, msLeft(deadline));
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private async export(
    signal: Signal,
    call: grpc.ServerUnaryCall<Buffer, Buffer>,
    callback: grpc.sendUnaryData<Buffer>,
  ): Promise<void> {
    const ticket = this.ingest.tryAdmit();
    if (!ticket) return this.fail(callback, 'saturated', 'too many requests in flight', 1);
    // A cancelled call (client gone, or its deadline passed) gives the slot back at once; work already
    // started keeps its own hold until it ends (see OtlpIngest.export).
    call.once('cancelled', ticket.release);
    try {
      const projectId = await this.ingest.authenticate(bearerKey(call.metadata.get('authorization')[0]));
      if (!projectId) {
        return this.fail(
          callback,
          'unauthenticated',
          'missing or unknown API key (send authorization: Bearer <key>)',
        );
      }
      // grpc-js has the whole message in memory already (at most maxMessageBytes): count it.
      if (!ticket.reserve(call.request.length)) {
        return this.fail(callback, 'saturated', 'ingest is saturated (in-flight bytes over budget)', 1);
      }
      const outcome = await this.ingest.export(ticket, projectId, signal, 'protobuf', call.request);
      if (outcome.kind === 'stored') {
        const { rejected, errorMessage } = outcome;
        const response =
          signal === 'traces'
            ? encodeTraceResponseProtobuf({ rejectedSpans: rejected, errorMessage })
            : encodeLogsResponseProtobuf({ rejectedLogRecords: rejected, errorMessage });
        return callback(null, Buffer.from(response));
      }
      this.fail(
        callback,
        outcome.kind,
        outcome.message,
        'retryAfterSeconds' in outcome ? outcome.retryAfterSeconds : undefined,
      );
    } catch (error) {
      callback({
        code: grpc.status.INTERNAL,
        details: error instanceof Error ? error.message : 'internal error',
      });
    } finally {
      call.off('cancelled', ticket.release);
      ticket.release();
    }
  }

  private fail(
    callback: grpc.sendUnaryData<Buffer>,
    kind: Exclude<ExportOutcome['kind'], 'stored'>,
    message: string,
    retryDelaySeconds?: number,
  ): void {
    const code = CODE_OF[kind];
    const metadata = new grpc.Metadata();
    if (retryDelaySeconds !== undefined) {
      const details = encodeRpcStatusProtobuf({ code, message, retryDelaySeconds });
      metadata.set('grpc-status-details-bin', Buffer.from(details));
    }
    callback({ code, details: message, metadata });
  }
}
