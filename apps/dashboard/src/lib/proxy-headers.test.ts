import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PEER_HEADER, PROXY_SECRET_HEADER, stampPeerAddress, upstreamHeaders } from './proxy-headers';

const SECRET = 'a-secret-shared-by-dashboard-and-server-0123456789';
let port = 0;
let server: ReturnType<typeof createServer>;
const seen: IncomingHttpHeaders[] = [];

// A plain Node HTTP server stands in for `next start` (which is one): the stamp works on any http.Server.
beforeAll(async () => {
  stampPeerAddress();
  server = createServer((req, res) => {
    seen.push(req.headers);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** A request from a chosen loopback source address, with headers a browser could forge. */
function send(localAddress: string, headers: Record<string, string>): Promise<Headers> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, localAddress, headers }, (res) => {
      res.resume();
      res.on('end', () => {
        const received = seen.at(-1)!;
        resolve(new Headers(Object.entries(received).map(([k, v]) => [k, String(v)] as [string, string])));
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('dashboard /api proxy headers', () => {
  it('names the socket address, never the browser’s X-Forwarded-For, and proves itself with the secret', async () => {
    const incoming = await send('127.0.0.2', {
      'x-forwarded-for': '203.0.113.9',
      [PEER_HEADER]: 'forged 198.51.100.1',
      [PROXY_SECRET_HEADER]: 'browser-guess',
      cookie: 'dw_session=abc',
      'x-evil': '1',
    });
    const upstream = upstreamHeaders(incoming, SECRET);
    expect(upstream.get('x-forwarded-for')).toBe('127.0.0.2');
    expect(upstream.get(PROXY_SECRET_HEADER)).toBe(SECRET);
    expect(upstream.get('cookie')).toBe('dw_session=abc');
    expect(upstream.get('x-evil')).toBeNull();
    expect(upstream.get(PEER_HEADER)).toBeNull();

    const other = upstreamHeaders(await send('127.0.0.3', { 'x-forwarded-for': '127.0.0.2' }), SECRET);
    expect(other.get('x-forwarded-for')).toBe('127.0.0.3');
  });

  it('sends no address without a secret, and none for a peer header that lacks the stamp', async () => {
    const incoming = await send('127.0.0.2', { 'x-forwarded-for': '203.0.113.9' });
    const withoutSecret = upstreamHeaders(incoming, undefined);
    expect(withoutSecret.get('x-forwarded-for')).toBeNull();
    expect(withoutSecret.get(PROXY_SECRET_HEADER)).toBeNull();
    const forged = new Headers({
      [PEER_HEADER]: 'not-the-nonce 203.0.113.9',
      'x-forwarded-for': '203.0.113.9',
    });
    const upstream = upstreamHeaders(forged, SECRET);
    expect(upstream.get('x-forwarded-for')).toBeNull();
    expect(upstream.get(PROXY_SECRET_HEADER)).toBeNull();
  });
});
