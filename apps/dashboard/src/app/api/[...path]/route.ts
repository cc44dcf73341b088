// Forwards /api/* to the Driftwatch server at request time (DRIFTWATCH_API_URL), so the browser only ever talks
// to this origin: the HttpOnly session cookie stays first-party and no CORS is needed.
const API_URL = (process.env.DRIFTWATCH_API_URL ?? 'http://127.0.0.1:4318').replace(/\/$/, '');
// x-forwarded-* (set by Next's own server) let the API rate-limit sign-ins per client address and mark the
// cookie Secure behind https; the server trusts them from loopback only.
const FORWARDED_HEADERS = [
  'accept',
  'authorization',
  'content-type',
  'cookie',
  'x-driftwatch-project',
  'x-forwarded-for',
  'x-forwarded-proto',
];

export const dynamic = 'force-dynamic';

async function forward(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const headers = new Headers();
  for (const name of FORWARDED_HEADERS) {
    const value = request.headers.get(name);
    if (value) headers.set(name, value);
  }
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
    for (const name of ['content-type', 'retry-after', 'set-cookie', 'cache-control']) {
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
export const DELETE = forward;
