import type { BootstrapKey } from './composition/bootstrap-keys.js';

/** What a newcomer needs after `npm start`: where to send spans and with which key. Never logs stored secrets. */
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
  const base = `http://localhost:${info.port}`;
  const key =
    info.apiKey.kind === 'generated'
      ? `${info.apiKey.key}  (generated now, shown once: keep it)`
      : info.apiKey.kind === 'configured'
        ? `${info.apiKey.prefix}… (from DRIFTWATCH_BOOTSTRAP_API_KEY)`
        : '<your project API key> (printed when it was created; only its hash is stored)';
  const keyForExport = info.apiKey.kind === 'generated' ? info.apiKey.key : '<key>';
  const lines = [
    '',
    `Driftwatch is running (${info.mode}; roles: ${[...info.roles].join(', ')}).`,
    ...(info.dashboardUrl ? [`  Dashboard:         ${info.dashboardUrl}`] : []),
    ...(info.admin
      ? [
          `  Admin sign-in:     ${info.admin.email} / ${
            info.admin.generatedPassword ?? '<password set earlier or by DRIFTWATCH_BOOTSTRAP_ADMIN_PASSWORD>'
          }${info.admin.generatedPassword ? '  (generated now, shown once: keep it)' : ''}`,
        ]
      : []),
    ...(info.roles.has('ingest')
      ? [
          `  OTLP/HTTP:         ${base}/v1/traces  (GenAI log events: ${base}/v1/logs)`,
          `  OTLP/gRPC:         localhost:${info.grpcPort}`,
        ]
      : []),
    ...(info.roles.has('api')
      ? [`  REST API:          ${base}/api  (OpenAPI: ${base}/api/openapi.json)`]
      : []),
    `  Data directory:    ${info.dataDir}`,
    `  Project API key:   ${key}`,
    '',
    'Point any OpenTelemetry exporter at it:',
    `  export OTEL_EXPORTER_OTLP_ENDPOINT=${base}`,
    `  export OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer ${keyForExport}"`,
    '',
  ];
  console.log(lines.join('\n'));
}
