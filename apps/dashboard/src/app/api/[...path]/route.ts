// Forwards /api/* to the Driftwatch server at request time (DRIFTWATCH_API_URL), so the browser only ever talks
// to this origin: the HttpOnly session cookie stays first-party and no CORS is needed.
import { upstreamHeaders } from '../../../lib/proxy-headers';

const API_URL = (process.env.DRIFTWATCH_API_URL ?? 'http://127.0.0.1:4318').replace(/\/$/, '');
// The browser's own X-Forwarded-For is never passed on: the client address the API limits sign-ins by is the
// socket's, sent with the secret the server shares with this proxy (DRIFTWATCH_PROXY_SECRET; lib/proxy-headers.ts).
const PROXY_SECRET = process.env.DRIFTWATCH_PROXY_SECRET || undefined;

export const dynamic = 'force-dynamic';

async function forward(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const headers = upstreamHeaders(request.headers, PROXY_SECRET);
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  try {
    const upstream = await fetch(`${API_URL}${url.pathname}${url.search}`, {
      method: request.method,
      headers,
      body: hasBody ? await request.arrayBuffer() : undefined,
      redirect: 'manual',
      cache: 'no-store',
    });
    const out = new Headers();
    for (const name of [
      'content-type',
      'content-disposition',
      'retry-after',
      'set-cookie',
      'cache-control',
    ]) {
      const value = upstream.headers.get(name);
      if (value) out.set(name, value);
    }
    return new Response(upstream.status === 204 ? null : upstream.body, {
      status: upstream.status,
      headers: out,
    });
  } catch {
    return Response.json(
      {
        statusCode: 502,
        error: 'Bad Gateway',
        message: `the Driftwatch server at ${API_URL} is not reachable`,
      },
      { status: 502 },
    );
  }
}

export const GET = forward;
export const POST = forward;
export const PATCH = forward;
export const PUT = forward;
export const DELETE = forward;
