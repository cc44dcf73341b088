import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { PermanentError } from '@driftwatch/contracts';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Every address a host name resolves to (tests pass their own). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** The destination is not allowed (scheme, or an address inside the network): retrying cannot help. */
export class RefusedDestinationError extends PermanentError {}

const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

/** Loopback, private, link-local (cloud metadata), CGNAT, multicast and reserved ranges. */
const DENIED: Array<[string, number, 'ipv4' | 'ipv6']> = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'],
  ['240.0.0.0', 4, 'ipv4'],
  // IPv4-compatible (deprecated) and unspecified/loopback; mapped ::ffff:a.b.c.d is checked as its IPv4.
  ['::', 96, 'ipv6'],
  ['64:ff9b::', 96, 'ipv6'],
  ['64:ff9b:1::', 48, 'ipv6'],
  ['2002::', 16, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['fec0::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];

const denied = new BlockList();
for (const [network, prefix, type] of DENIED) denied.addSubnet(network, prefix, type);

/**
 * Decides where alerts may be sent: http(s) only, and never to an address inside the network unless the
 * allow-list (DRIFTWATCH_ALERTS_ALLOWED_HOSTS: host names, addresses or CIDRs) permits it. Names are resolved
 * here and every address checked; the caller connects to exactly these addresses (no DNS rebinding gap).
 */
export class AddressGuard {
  private readonly allowedHosts = new Set<string>();
  private readonly allowedAddresses = new BlockList();

  constructor(
    allowList: readonly string[] = [],
    private readonly resolver: Resolver = systemResolver,
  ) {
    for (const entry of allowList) this.allow(entry.trim().toLowerCase());
  }

  static parseAllowList(text: string | undefined): string[] {
    return (text ?? '')
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean);
  }

  /** Throws RefusedDestinationError, or returns the checked addresses to connect to. */
  async resolve(url: URL): Promise<ResolvedAddress[]> {
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new RefusedDestinationError(`only http and https URLs are allowed, not ${url.protocol}`);
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
    const literal = isIP(host);
    const addresses: ResolvedAddress[] = literal
      ? [{ address: host, family: literal === 6 ? 6 : 4 }]
      : await this.resolver(host).catch((error: unknown) => {
          // A name that does not resolve now may later (DNS outage): the sender treats it as retryable.
          throw new Error(`cannot resolve ${host}: ${(error as Error).message}`);
        });
    if (addresses.length === 0) throw new Error(`cannot resolve ${host}: no addresses`);
    if (this.allowedHosts.has(host)) return addresses;
    for (const a of addresses) {
      if (!this.isAllowedAddress(a.address))
        throw new RefusedDestinationError(
          `${host} resolves to ${a.address}, a private, loopback or link-local address; add it to DRIFTWATCH_ALERTS_ALLOWED_HOSTS to allow it`,
        );
    }
    return addresses;
  }

  isAllowedAddress(address: string): boolean {
    const v4 = mappedIPv4(address);
    const ip = v4 ?? address;
    const type = !v4 && isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (this.allowedAddresses.check(ip, type)) return true;
    return !denied.check(ip, type);
  }

  private allow(entry: string): void {
    const [network, prefix] = entry.split('/');
    const family = isIP(network ?? '');
    if (!network || !family) {
      this.allowedHosts.add(entry);
      return;
    }
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) this.allowedAddresses.addAddress(network, type);
    else this.allowedAddresses.addSubnet(network, Number(prefix), type);
  }
}

/** ::ffff:7f00:1 or ::ffff:127.0.0.1 (any spelling) as 127.0.0.1; null for any other address. */
function mappedIPv4(address: string): string | null {
  if (isIP(address) !== 6) return null;
  // The URL parser writes IPv6 in one canonical form: [::ffff:7f00:1].
  const canonical = new URL(`http://[${address}]/`).hostname;
  const hex = /^\[::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})\]$/.exec(canonical);
  if (!hex) return null;
  const [hi, lo] = [parseInt(hex[1] as string, 16), parseInt(hex[2] as string, 16)];
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}
