// Runs once when the Next server starts (Node runtime only): stamps each request with its socket address
// for the /api proxy (see lib/proxy-headers.ts).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { stampPeerAddress } = await import('./lib/proxy-headers');
  stampPeerAddress();
}
