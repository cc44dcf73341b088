import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Server } from 'node:http';
import { isIP } from 'node:net';

/**
 * How the dashboard's /api proxy tells the server who its client is, without a browser being able to choose.
 *
 * Next fills X-Forwarded-For from the socket only when the request has none (`??=`), so a route handler
 * cannot tell a browser's forged header from Next's, and it has no socket of its own. stampPeerAddress()
 * (run once from instrumentation.ts) overwrites PEER_HEADER on every request the Node server receives with
 * the socket's address, tagged with a per-process random nonce: a browser's own PEER_HEADER is replaced,
 * and one that slipped past (a request received before the stamp was installed) lacks the nonce. The proxy
 * sends that address as X-Forwarded-For together with the secret shared with the server, which believes the
 * header only with the secret (apps/server/src/auth/client-address.ts).
 */
export const PEER_HEADER = 'x-driftwatch-peer';
export const PROXY_SECRET_HEADER = 'x-driftwatch-proxy-secret';

/** Request headers the API needs; nothing else from the browser reaches the server. */
const PASSED_HEADERS = [
  'accept',
  'authorization',
  'content-type',
  'cookie',
  'x-driftwatch-project',
  'x-forwarded-proto',
];

const NONCE_KEY = Symbol.for('driftwatch.peerNonce');
type WithNonce = typeof globalThis & { [NONCE_KEY]?: string };

/** Installs the stamp on every Node HTTP server of this process; idempotent. */
export function stampPeerAddress(): void {
  const global = globalThis as WithNonce;
  if (global[NONCE_KEY]) return;
  const nonce = randomBytes(16).toString('hex');
  global[NONCE_KEY] = nonce;
  const emit = Server.prototype.emit;
  Server.prototype.emit = function (this: Server, event: string | symbol, ...args: unknown[]) {
    if (event === 'request') {
      const request = args[0] as IncomingMessage;
      request.headers[PEER_HEADER] = `${nonce} ${request.socket?.remoteAddress ?? ''}`;
    }
    return emit.apply(this, [event, ...args] as Parameters<typeof emit>);
  } as typeof emit;
}

/** The socket address stamped on this request, or null when there is no genuine stamp. */
export function peerAddress(incoming: Headers): string | null {
  const nonce = (globalThis as WithNonce)[NONCE_KEY];
  const [sentNonce, address] = (incoming.get(PEER_HEADER) ?? '').split(' ');
  if (!nonce || sentNonce !== nonce || !address || !isIP(address)) return null;
  return address;
}

/**
 * The headers to send upstream. With a shared secret and a genuine peer address, X-Forwarded-For is that
 * address (never the browser's header); otherwise none, and the server counts the request as the
 * dashboard's own address.
 */
export function upstreamHeaders(incoming: Headers, secret: string | undefined): Headers {
  const headers = new Headers();
  for (const name of PASSED_HEADERS) {
    const value = incoming.get(name);
    if (value) headers.set(name, value);
  }
  const peer = peerAddress(incoming);
  if (secret && peer) {
    headers.set('x-forwarded-for', peer);
    headers.set(PROXY_SECRET_HEADER, secret);
  }
  return headers;
}
