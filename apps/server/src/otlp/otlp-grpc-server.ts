import * as grpc from '@grpc/grpc-js';
import { encodeLogsResponseProtobuf, encodeTraceResponseProtobuf } from '@driftwatch/otlp';
import protobuf from 'protobufjs/minimal.js';
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

/** google.rpc.Status with one google.rpc.RetryInfo detail, for the grpc-status-details-bin trailer. */
function retryDetails(code: number, message: string, seconds: number): Buffer {
  const retryInfo = protobuf.Writer.create();
  retryInfo
    .uint32((1 << 3) | 2)
    .fork()
    .uint32((1 << 3) | 0)
    .int64(seconds)
    .ldelim();
  const status = protobuf.Writer.create();
  status.uint32((1 << 3) | 0).int32(code);
  status.uint32((2 << 3) | 2).string(message);
  status.uint32((3 << 3) | 2).fork();
  status.uint32((1 << 3) | 2).string('type.googleapis.com/google.rpc.RetryInfo');
  status.uint32((2 << 3) | 2).bytes(retryInfo.finish());
  status.ldelim();
  return Buffer.from(status.finish());
}

function bearerKey(metadata: grpc.Metadata): string | undefined {
  const value = metadata.get('authorization')[0];
  return /^Bearer\s+(\S+)\s*$/i.exec(typeof value === 'string' ? value : '')?.[1];
}

/** OTLP/gRPC (traces and GenAI log events) on its own port, with the same authentication, limits and partial success as OTLP/HTTP. */
export class OtlpGrpcServer {
  private readonly server: grpc.Server;

  constructor(
    private readonly ingest: OtlpIngest,
    maxMessageBytes: number,
  ) {
    this.server = new grpc.Server({
      'grpc.max_receive_message_length': maxMessageBytes,
      'grpc.max_send_message_length': 1024 * 1024,
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

  shutdown(): Promise<void> {
    return new Promise((resolve) => this.server.tryShutdown(() => resolve()));
  }

  private async export(
    signal: Signal,
    call: grpc.ServerUnaryCall<Buffer, Buffer>,
    callback: grpc.sendUnaryData<Buffer>,
  ): Promise<void> {
    if (!this.ingest.tryAdmit()) {
      return this.fail(callback, 'saturated', 'too many requests in flight', 1);
    }
    try {
      const projectId = await this.ingest.authenticate(bearerKey(call.metadata));
      if (!projectId) {
        return this.fail(
          callback,
          'unauthenticated',
          'missing or unknown API key (send authorization: Bearer <key>)',
        );
      }
      const outcome = await this.ingest.export(projectId, signal, 'protobuf', call.request);
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
      this.ingest.release();
    }
  }

  private fail(
    callback: grpc.sendUnaryData<Buffer>,
    kind: Exclude<ExportOutcome['kind'], 'stored'>,
    message: string,
    retryAfterSeconds?: number,
  ): void {
    const code = CODE_OF[kind];
    const metadata = new grpc.Metadata();
    if (retryAfterSeconds !== undefined) {
      metadata.set('grpc-status-details-bin', retryDetails(code, message, retryAfterSeconds));
    }
    callback({ code, details: message, metadata });
  }
}
