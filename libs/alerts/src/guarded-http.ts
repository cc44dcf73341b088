import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { AddressGuard, ResolvedAddress } from './address-guard.js';

export interface GuardedPostOptions {
  guard: AddressGuard;
  /** The whole exchange: connect, send, and read the answer. */
  timeoutMs: number;
  /** Past this the answer is cut off (we only need its status and a line of it). */
  maxResponseBytes: number;
}

export interface PostAnswer {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** At most maxResponseBytes of it. */
  body: string;
}

/**
 * POSTs once, connecting only to the addresses the guard checked (a pinned lookup, so a second DNS answer
 * cannot point elsewhere). Redirects are not followed: a 3xx is returned as it is. Throws
 * RefusedDestinationError (permanent) or a network/timeout Error (worth retrying).
 */
export async function guardedPost(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: GuardedPostOptions,
): Promise<PostAnswer> {
  const target = new URL(url);
  const addresses = await options.guard.resolve(target);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<PostAnswer>((resolve, reject) => {
    const req = request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: pinnedLookup(addresses),
        signal: AbortSignal.timeout(options.timeoutMs),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = () =>
          resolve({
            statusCode: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        res.on('data', (chunk: Buffer) => {
          const room = options.maxResponseBytes - size;
          if (room > 0) chunks.push(chunk.subarray(0, room));
          size += chunk.length;
          if (size >= options.maxResponseBytes) {
            res.destroy();
            finish();
          }
        });
        res.on('end', finish);
        res.on('error', (error) => (size >= options.maxResponseBytes ? finish() : reject(error)));
      },
    );
    req.on('error', (error) =>
      reject(error.name === 'AbortError' ? new Error(`no answer within ${options.timeoutMs} ms`) : error),
    );
    req.end(body);
  });
}

/** A lookup that answers with the already-checked addresses, whatever DNS says now. */
function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
}
