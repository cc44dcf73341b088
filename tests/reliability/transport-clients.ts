import { connect, type Socket } from 'node:net';
import * as grpc from '@grpc/grpc-js';

/** A raw TCP client: tests control exactly which bytes reach the server, and when the connection ends. */
export class RawClient {
  private text = '';
  readonly closed: Promise<void>;
  private ended = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => (this.text += chunk.toString('latin1')));
    socket.on('error', () => {}); // resets are expected: these clients misbehave on purpose
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.ended = true;
        resolve();
      }),
    );
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  get received(): string {
    return this.text;
  }

  get isClosed(): boolean {
    return this.ended;
  }

  /** The status of the final (non-1xx) response received so far, if any. */
  get finalStatus(): number | undefined {
    const statuses = [...this.text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
    return statuses.find((status) => status >= 200);
  }

  write(data: string | Uint8Array): void {
    this.socket.write(data);
  }

  /** Resolves once the received bytes match `pattern` (rejects if the connection closes first). */
  async waitFor(pattern: RegExp): Promise<void> {
    while (!pattern.test(this.text)) {
      if (this.ended) throw new Error(`connection closed before ${pattern}; got ${this.text.slice(0, 200)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export interface PostHead {
  path?: string;
  key?: string | null;
  contentLength: number;
  contentType?: string;
  contentEncoding?: string;
}

export function postHead(head: PostHead, extra: Record<string, string> = {}): string {
  const lines = [
    `POST ${head.path ?? '/v1/traces'} HTTP/1.1`,
    'Host: 127.0.0.1',
    `Content-Type: ${head.contentType ?? 'application/x-protobuf'}`,
    `Content-Length: ${head.contentLength}`,
    ...(head.key ? [`Authorization: Bearer ${head.key}`] : []),
    ...(head.contentEncoding ? [`Content-Encoding: ${head.contentEncoding}`] : []),
    ...Object.entries(extra).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * A request admitted and left mid-body: headers with Expect: 100-continue (the server's 100 Continue
 * means it has taken the request in), then part of the body, then nothing. Holds an admission slot until
 * the server times it out or the test destroys it.
 */
export async function holdMidBody(port: number, key: string | null): Promise<RawClient> {
  const client = await RawClient.open(port);
  client.write(postHead({ key, contentLength: 1_000_000 }, { Expect: '100-continue' }));
  await client.waitFor(/HTTP\/1\.1 \d{3}/);
  client.write(Buffer.alloc(1000, 0x0a));
  return client;
}

/** A unary OTLP Export over gRPC with raw bytes; resolves to the error, or null on success. */
export function grpcExport(
  client: grpc.Client,
  body: Uint8Array,
  key: string | null,
  options: grpc.CallOptions = {},
): { done: Promise<grpc.ServiceError | null>; call: grpc.ClientUnaryCall } {
  const metadata = new grpc.Metadata();
  if (key) metadata.set('authorization', `Bearer ${key}`);
  let call!: grpc.ClientUnaryCall;
  const done = new Promise<grpc.ServiceError | null>((resolve) => {
    call = client.makeUnaryRequest(
      '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.from(body),
      metadata,
      options,
      (error) => resolve(error ?? null),
    );
  });
  return { done, call };
}

/** Polls `probe` until it returns true; fails after `guardMs` (a guard against hanging, not a timing claim). */
export async function eventually(
  what: string,
  probe: () => Promise<boolean>,
  guardMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + guardMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never happened: ${what}`);
}
