import { describe, expect, it } from 'vitest';
import { AddressGuard, RefusedDestinationError, type Resolver } from './address-guard.js';

/** A resolver that answers from a table, like DNS would; unknown names fail like NXDOMAIN. */
const table: Record<string, Array<{ address: string; family: 4 | 6 }>> = {
  'hooks.example.com': [{ address: '93.184.215.14', family: 4 }],
  'internal.example.com': [{ address: '10.1.2.3', family: 4 }],
  'metadata.example.com': [{ address: '169.254.169.254', family: 4 }],
  'mixed.example.com': [
    { address: '93.184.215.14', family: 4 },
    { address: '127.0.0.1', family: 4 },
  ],
  'six.example.com': [{ address: '::1', family: 6 }],
  'mapped.example.com': [{ address: '::ffff:10.0.0.1', family: 6 }],
  'public6.example.com': [{ address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 }],
};
const resolver: Resolver = async (host) => {
  const found = table[host];
  if (!found) throw new Error('ENOTFOUND');
  return found;
};

const refused = (guard: AddressGuard, url: string) =>
  expect(guard.resolve(new URL(url))).rejects.toBeInstanceOf(RefusedDestinationError);

describe('AddressGuard', () => {
  const guard = new AddressGuard([], resolver);

  it.each([
    'http://127.0.0.1/',
    'http://127.8.9.10:8080/x',
    'http://10.0.0.1/',
    'http://10.255.255.255/',
    'http://172.16.5.4/',
    'http://192.168.1.1/',
    'http://169.254.169.254/latest/meta-data/',
    'http://100.64.0.1/',
    'http://0.0.0.0/',
    'http://[::1]/',
    'http://[::]/',
    'http://[fe80::1]/',
    'http://[fd00::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://2130706433/', // 127.0.0.1 as one number: the URL parser normalises it
    'http://0x7f.1/',
    'http://localhost/',
  ])('refuses %s', async (url) => {
    const withLocalhost = new AddressGuard([], async (host) =>
      host === 'localhost' ? [{ address: '127.0.0.1', family: 4 }] : resolver(host),
    );
    await refused(withLocalhost, url);
  });

  it('refuses a host name that resolves to a private, link-local or loopback address, checking every address', async () => {
    await refused(guard, 'https://internal.example.com/hook');
    await refused(guard, 'https://metadata.example.com/');
    await refused(guard, 'https://mixed.example.com/');
    await refused(guard, 'https://six.example.com/');
    await refused(guard, 'https://mapped.example.com/');
  });

  it('refuses schemes other than http and https', async () => {
    await refused(guard, 'file:///etc/passwd');
    await refused(guard, 'ftp://hooks.example.com/');
    await refused(guard, 'gopher://hooks.example.com/');
  });

  it('passes public addresses and returns the checked addresses to connect to', async () => {
    expect(await guard.resolve(new URL('https://hooks.example.com/x'))).toEqual([
      { address: '93.184.215.14', family: 4 },
    ]);
    expect(await guard.resolve(new URL('https://public6.example.com/'))).toHaveLength(1);
    expect(await guard.resolve(new URL('http://8.8.8.8/'))).toEqual([{ address: '8.8.8.8', family: 4 }]);
  });

  it('reports a name that does not resolve as a plain (retryable) error, not a refusal', async () => {
    const error = await guard.resolve(new URL('https://nowhere.example.com/')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(RefusedDestinationError);
  });

  it('lets the allow-list permit addresses, CIDRs and host names, and nothing more', async () => {
    const allowing = new AddressGuard(
      AddressGuard.parseAllowList('127.0.0.1, 10.1.0.0/16 ,metadata.example.com,::1'),
      resolver,
    );
    expect(await allowing.resolve(new URL('http://127.0.0.1:9000/'))).toHaveLength(1);
    expect(await allowing.resolve(new URL('https://internal.example.com/'))).toHaveLength(1);
    expect(await allowing.resolve(new URL('https://metadata.example.com/'))).toHaveLength(1);
    expect(await allowing.resolve(new URL('http://[::1]/'))).toHaveLength(1);
    expect(await allowing.resolve(new URL('http://[::ffff:127.0.0.1]/'))).toHaveLength(1);
    await refused(allowing, 'http://127.0.0.2/');
    await refused(allowing, 'http://10.2.0.1/');
    await refused(allowing, 'http://169.254.169.254/');
  });
});
