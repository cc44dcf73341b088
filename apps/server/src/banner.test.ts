import { describe, expect, it } from 'vitest';
import { bannerLines } from './banner.js';

const banner = (roles: string[]) =>
  bannerLines({
    port: 4318,
    grpcPort: roles.includes('ingest') ? 4317 : null,
    roles: new Set(roles),
    mode: 'distributed mode',
    apiKey: { kind: 'generated', key: 'dw_generated_key_shown_once_000000' },
    dataDir: '/data',
    admin: { email: 'admin@example.com', generatedPassword: null },
  }).join('\n');

describe('start banner', () => {
  it('tells a writer+api process to send spans elsewhere, naming no OTLP endpoint', () => {
    const text = banner(['writer', 'api']);
    expect(text).not.toMatch(/OTLP|\/v1\/traces|OTEL_EXPORTER_OTLP_ENDPOINT|4317/);
    expect(text).toContain('REST API:          http://localhost:4318/api');
    expect(text).toContain('has no ingest role');
  });

  it('names only the health endpoints for a writer, still showing a key it generated now', () => {
    const text = banner(['writer']);
    expect(text).not.toMatch(/REST API|OTLP|\/v1\/|\/api/);
    expect(text).toContain('Health:            http://localhost:4318/healthz, http://localhost:4318/readyz');
    expect(text).toContain('dw_generated_key_shown_once_000000  (generated now, shown once: keep it)');
  });

  it('gives an ingest process the exporter settings but not the REST API', () => {
    const text = banner(['ingest']);
    expect(text).toContain('export OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318');
    expect(text).toContain('OTLP/gRPC:         localhost:4317');
    expect(text).not.toMatch(/REST API|\/api/);
  });
});
