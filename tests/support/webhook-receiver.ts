import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  id: string;
  verified: boolean;
  error: string | null;
  payload: unknown;
  /** 'held' when the receiver kept the request open without answering. */
  answered: number | 'held';
}

/**
 * A Standard Webhooks receiver: verifies every request with the reference package (Webhook.verify: the
 * HMAC-SHA256 signature over id, timestamp and body, and a timestamp within five minutes), answers 204, or
 * 400 when verification fails. holdNext() keeps requests open without an answer (a receiver or a network
 * that hangs), until release().
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private server: Server | null = null;
  private holding = 0;
  private readonly held: ServerResponse[] = [];

  constructor(private secret: string = '') {}

  setSecret(secret: string): void {
    this.secret = secret;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return this;
  }

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}/hooks/driftwatch`;
  }

  holdNext(count = 1): void {
    this.holding += count;
  }

  /** Ids of the verified requests that got a 2xx answer. */
  acknowledgedIds(): string[] {
    return this.received.filter((r) => r.verified && r.answered === 204).map((r) => r.id);
  }

  async stop(): Promise<void> {
    for (const res of this.held.splice(0)) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]),
    );
    const entry: ReceivedWebhook = {
      id: headers['webhook-id'] ?? '',
      verified: false,
      error: null,
      payload: null,
      answered: 204,
    };
    try {
      entry.payload = new Webhook(this.secret).verify(body, headers);
      entry.verified = true;
    } catch (error) {
      entry.error = (error as Error).message;
      entry.answered = 400;
    }
    this.received.push(entry);
    if (entry.verified && this.holding > 0) {
      this.holding -= 1;
      entry.answered = 'held';
      this.held.push(res);
      return;
    }
    res.writeHead(entry.answered as number).end();
  }
}
