import { describe, expect, it } from 'vitest';
import { loadAlertsConfig } from './alerts-config.js';

describe('loadAlertsConfig', () => {
  it('reads the allow-list and timings, with defaults', () => {
    const config = loadAlertsConfig({ DRIFTWATCH_ALERTS_ALLOWED_HOSTS: ' 10.0.0.0/8, hooks.internal ,' });
    expect(config.allowedHosts).toEqual(['10.0.0.0/8', 'hooks.internal']);
    expect([config.leaseMs, config.timeoutMs, config.pollMs]).toEqual([60_000, 10_000, 5_000]);
  });

  it('refuses a lease that a send could outlast, and names the settings', () => {
    expect(() =>
      loadAlertsConfig({ DRIFTWATCH_ALERTS_LEASE_MS: '5000', DRIFTWATCH_ALERTS_TIMEOUT_MS: '5000' }),
    ).toThrow(/DRIFTWATCH_ALERTS_LEASE_MS must exceed DRIFTWATCH_ALERTS_TIMEOUT_MS/);
    expect(() => loadAlertsConfig({ DRIFTWATCH_ALERTS_POLL_MS: 'often' })).toThrow(
      /DRIFTWATCH_ALERTS_POLL_MS/,
    );
  });
});
