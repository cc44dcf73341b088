import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A scripted answer: Slack's rate limit (429 + Retry-After seconds) or an outage (5xx). */
export interface SlackAnswer {
  status: number;
  retryAfterSeconds?: number;
  body?: string;
}

export interface SlackDelivery {
  payload: unknown;
  /** null when the payload passed the Block Kit checks; else Slack's error code. */
  problem: string | null;
  status: number;
}

const BLOCK_TYPES = new Set(['header', 'section', 'context', 'actions', 'divider', 'image', 'rich_text']);

/**
 * A local stand-in for a Slack incoming webhook (POST JSON). It checks the payload as Slack does, with Slack's
 * limits (api.slack.com/reference/block-kit), and answers like Slack: 200 "ok", 400 "invalid_payload",
 * "no_text" or "invalid_blocks"; scripted answers (429 with Retry-After, 500) come first when queued.
 */
export class FakeSlack {
  readonly deliveries: SlackDelivery[] = [];
  private readonly script: SlackAnswer[] = [];
  private server: Server | null = null;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void readBody(req).then((text) => {
        const scripted = this.script.shift();
        let payload: unknown = null;
        let problem: string | null;
        try {
          payload = JSON.parse(text);
          problem = req.headers['content-type']?.startsWith('application/json')
            ? blockKitProblem(payload)
            : 'invalid_payload';
        } catch {
          problem = 'invalid_payload';
        }
        const status = scripted?.status ?? (problem ? 400 : 200);
        this.deliveries.push({ payload, problem, status });
        if (scripted?.retryAfterSeconds !== undefined)
          res.setHeader('retry-after', String(scripted.retryAfterSeconds));
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.end(scripted?.body ?? (problem || 'ok'));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return this;
  }

  /** The incoming-webhook URL (its path stands for Slack's secret token). */
  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}/services/T0000/B0000/secretTOKEN123`;
  }

  /** The next requests get these answers, in order (the payload is still checked and recorded). */
  answerNext(...answers: SlackAnswer[]): void {
    this.script.push(...answers);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function textObject(v: unknown, max: number, plainOnly = false): boolean {
  if (!isObject(v) || typeof v.text !== 'string' || v.text.length < 1 || [...v.text].length > max)
    return false;
  return plainOnly ? v.type === 'plain_text' : v.type === 'plain_text' || v.type === 'mrkdwn';
}

/** Slack's checks of an incoming-webhook payload, as far as Driftwatch's messages use Block Kit. */
export function blockKitProblem(payload: unknown): string | null {
  if (!isObject(payload)) return 'invalid_payload';
  const { text, blocks } = payload;
  if (blocks === undefined) return typeof text === 'string' && text ? null : 'no_text';
  if (!Array.isArray(blocks) || blocks.length === 0 || blocks.length > 50) return 'invalid_blocks';
  for (const block of blocks) {
    if (!isObject(block) || typeof block.type !== 'string' || !BLOCK_TYPES.has(block.type))
      return 'invalid_blocks';
    if (block.type === 'header' && !textObject(block.text, 150, true)) return 'invalid_blocks';
    if (block.type === 'section') {
      const fields = block.fields;
      if (block.text === undefined && fields === undefined) return 'invalid_blocks';
      if (block.text !== undefined && !textObject(block.text, 3000)) return 'invalid_blocks';
      if (fields !== undefined) {
        if (!Array.isArray(fields) || fields.length === 0 || fields.length > 10) return 'invalid_blocks';
        if (!fields.every((f) => textObject(f, 2000))) return 'invalid_blocks';
      }
    }
    if (block.type === 'context') {
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > 10) return 'invalid_blocks';
      if (!elements.every((e) => textObject(e, 3000))) return 'invalid_blocks';
    }
    if (block.type === 'actions') {
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > 25) return 'invalid_blocks';
      for (const e of elements) {
        if (!isObject(e) || e.type !== 'button' || !textObject(e.text, 75, true)) return 'invalid_blocks';
        if (e.url !== undefined && (typeof e.url !== 'string' || e.url.length > 3000))
          return 'invalid_blocks';
      }
    }
  }
  return null;
}
