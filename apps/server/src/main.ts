import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { deadlineIn } from '@driftwatch/contracts';
import { AppModule } from './app.module.js';
import { bootstrapKeys } from './composition/bootstrap-keys.js';
import { createPipeline } from './composition/pipeline.js';
import { loadConfig } from './config/config.js';
import { configureFastify } from './http/fastify-setup.js';
import { OtlpGrpcServer } from './otlp/otlp-grpc-server.js';
import { OtlpHttpHandler } from './otlp/otlp-http-handler.js';
import { OtlpIngest } from './otlp/otlp-ingest.js';
import { printBanner } from './banner.js';
import { setupAuth } from './auth/setup-auth.js';
import { trustProxySetting } from './auth/auth-config.js';

const VERSION = process.env.npm_package_version ?? '0.1.0';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = (message: string) => console.log(`[driftwatch] ${message}`);
  const pipeline = await createPipeline(config, log);
  const newKey = await bootstrapKeys(pipeline, config);
  const auth = await setupAuth(pipeline, config);
  const ingest = new OtlpIngest(pipeline.keys, pipeline.queue, pipeline.events, config);
  const otlpHttp = new OtlpHttpHandler(ingest, config.maxDecompressedBytes);
  const otlpGrpc = new OtlpGrpcServer(ingest, config.maxDecompressedBytes);

  // Forwarded headers only from DRIFTWATCH_TRUSTED_PROXIES (default none); the dashboard proves itself apart.
  const adapter = new FastifyAdapter({
    bodyLimit: config.maxBodyBytes,
    logger: false,
    trustProxy: trustProxySetting(),
  });
  configureFastify(adapter.getInstance(), ingest, otlpHttp);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register({ pipeline, otlpHttp, version: VERSION, auth: auth.services, roles: config.roles }),
    adapter,
    {
      bodyParser: false,
      // Nest's own route-mapping chatter only at debug level; our banner says what a user needs.
      logger: config.logLevel === 'debug' ? ['error', 'warn', 'log', 'debug'] : ['error', 'warn'],
    },
  );
  await app.listen(config.otlpHttpPort, config.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.otlpHttpPort;
  const grpcPort = config.roles.has('ingest') ? await otlpGrpc.start(config.host, config.otlpGrpcPort) : null;
  printBanner({
    port,
    grpcPort,
    roles: config.roles,
    mode: config.queue === 'kafka' || config.clickhouse ? 'distributed mode' : 'embedded mode',
    apiKey: newKey,
    dataDir: config.dataDir,
    dashboardUrl: config.dashboardUrl,
    admin: auth.admin,
  });

  let stopping: Promise<void> | null = null;
  const stop = (signal: string) => {
    stopping ??= (async () => {
      log(`${signal}: flushing and stopping`);
      const deadline = deadlineIn(config.shutdownTimeoutMs);
      await Promise.all([app.close(), otlpGrpc.shutdown()]);
      await pipeline.shutdown(deadline);
      log('stopped');
      process.exit(0);
    })().catch((error: unknown) => {
      console.error('[driftwatch] shutdown failed', error);
      process.exit(1);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('[driftwatch] failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
