import type { BootstrapKey } from './composition/bootstrap-keys.js';

/**
 * What a newcomer needs after `npm start`: where to send spans and with which key. Each role names only the
 * endpoints it serves (a writer-only process must not invite exporters). Never logs stored secrets.
 */
export function printBanner(info: {
  port: number;
  grpcPort: number | null;
  roles: ReadonlySet<string>;
  mode: string;
  apiKey: BootstrapKey;
  dataDir: string;
  dashboardUrl?: string | undefined;
  admin?: { email: string; generatedPassword: string | null };
}): void {
  console.log(bannerLines(info).join('\n'));
}

export function bannerLines(info: Parameters<typeof printBanner>[0]): string[] {
  const base = `http://localhost:${info.port}`;
  const ingest = info.roles.has('ingest');
  const api = info.roles.has('api');
  const key =
    info.apiKey.kind === 'generated'
      ? `${info.apiKey.key}  (generated now, shown once: keep it)`
      : info.apiKey.kind === 'configured'
        ? `${info.apiKey.prefix}… (from DRIFTWATCH_BOOTSTRAP_API_KEY)`
        : '<your project API key> (printed when it was created; only its hash is stored)';
  const keyForExport = info.apiKey.kind === 'generated' ? info.apiKey.key : '<key>';
  return [
    '',
    `Driftwatch is running (${info.mode}; roles: ${[...info.roles].join(', ')}).`,
    ...(info.dashboardUrl ? [`  Dashboard:         ${info.dashboardUrl}`] : []),
    // Secrets generated now are shown by whichever role generated them, or they would be lost.
    ...(info.admin
      ? [
          `  Admin sign-in:     ${info.admin.email} / ${
            info.admin.generatedPassword ?? '<password set earlier or by DRIFTWATCH_BOOTSTRAP_ADMIN_PASSWORD>'
          }${info.admin.generatedPassword ? '  (generated now, shown once: keep it)' : ''}`,
        ]
      : []),
    ...(ingest
      ? [
          `  OTLP/HTTP:         ${base}/v1/traces  (GenAI log events: ${base}/v1/logs)`,
          `  OTLP/gRPC:         localhost:${info.grpcPort}`,
        ]
      : []),
    ...(api ? [`  REST API:          ${base}/api  (OpenAPI: ${base}/api/openapi.json)`] : []),
    `  Health:            ${base}/healthz, ${base}/readyz`,
    ...(info.roles.has('writer') ? ['  Writer:            consumes the span queue into the store'] : []),
    `  Data directory:    ${info.dataDir}`,
    ...(ingest || api || info.apiKey.kind === 'generated' ? [`  Project API key:   ${key}`] : []),
    ...(ingest
      ? [
          '',
          'Point any OpenTelemetry exporter at it:',
          `  export OTEL_EXPORTER_OTLP_ENDPOINT=${base}`,
          `  export OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer ${keyForExport}"`,
        ]
      : [
          '',
          'This process has no ingest role: point OpenTelemetry exporters at a process running DRIFTWATCH_ROLES=ingest.',
        ]),
    '',
  ];
}
