import { describe, expect, it } from 'vitest';
import { loadConfig as load } from './config.js';

const loadConfig = (vars: Record<string, string>) => load(vars as NodeJS.ProcessEnv);

describe('transport settings', () => {
  it('default to bounded timeouts and a connection cap', () => {
    expect(loadConfig({}).transport).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      exportTimeoutMs: 10_000,
      keepAliveTimeoutMs: 65_000,
      maxConnections: 4096,
    });
  });

  it('read DRIFTWATCH_* values and refuse a headers timeout longer than the request timeout', () => {
    const transport = loadConfig({
      DRIFTWATCH_HEADERS_TIMEOUT_MS: '500',
      DRIFTWATCH_REQUEST_TIMEOUT_MS: '1500',
      DRIFTWATCH_MAX_CONNECTIONS: '100',
    }).transport;
    expect(transport).toMatchObject({ headersTimeoutMs: 500, requestTimeoutMs: 1500, maxConnections: 100 });
    expect(() =>
      loadConfig({ DRIFTWATCH_HEADERS_TIMEOUT_MS: '5000', DRIFTWATCH_REQUEST_TIMEOUT_MS: '1000' }),
    ).toThrow(/HEADERS_TIMEOUT_MS must not exceed/);
    expect(() => loadConfig({ DRIFTWATCH_REQUEST_TIMEOUT_MS: '0' })).toThrow(/REQUEST_TIMEOUT_MS/);
  });
});
