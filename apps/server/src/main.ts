import 'reflect-metadata';
import type { Server } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type Deadline, deadlineIn, msLeft } from '@driftwatch/contracts';
import { AppModule } from './app.module.js';
import { bootstrapKeys } from './composition/bootstrap-keys.js';
import { createPipeline } from './composition/pipeline.js';
import { loadConfig } from './config/config.js';
import { configureFastify } from './http/fastify-setup.js';
import { registerFeedbackCors } from './feedback/feedback-cors.js';
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
  const { transport } = config;
  const ingest = new OtlpIngest(
    pipeline.keys,
    pipeline.queue,
    pipeline.events,
    {
      maxInflightRequests: config.maxInflightRequests,
      maxInflightBytes: config.maxInflightBytes,
      exportTimeoutMs: transport.exportTimeoutMs,
    },
    pipeline.prices,
  );
  const otlpHttp = new OtlpHttpHandler(ingest, config);
  const otlpGrpc = new OtlpGrpcServer(ingest, {
    maxMessageBytes: config.maxDecompressedBytes,
    idleTimeoutMs: transport.keepAliveTimeoutMs,
    callGraceMs: transport.exportTimeoutMs,
  });

  // Forwarded headers only from DRIFTWATCH_TRUSTED_PROXIES (default none); the dashboard proves itself apart.
  const adapter = new FastifyAdapter({
    bodyLimit: config.maxBodyBytes,
    logger: false,
    trustProxy: trustProxySetting(),
    requestTimeout: transport.requestTimeoutMs,
    keepAliveTimeout: transport.keepAliveTimeoutMs,
    http: {
      headersTimeout: transport.headersTimeoutMs,
      // Node checks the header and request timeouts (408) on a timer: often enough to honour them.
      connectionsCheckingInterval: Math.min(1000, Math.ceil(transport.headersTimeoutMs / 4)),
    },
  });
  adapter.getInstance().server.maxConnections = transport.maxConnections;
  configureFastify(adapter.getInstance(), ingest, otlpHttp);
  registerFeedbackCors(adapter.getInstance(), pipeline.feedbackSettings);
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
      // Receivers stop first, with half the time, so the pipeline keeps the rest to flush what they took.
      const receiversDeadline = deadlineIn(msLeft(deadline) / 2);
      await Promise.all([closeHttp(app, receiversDeadline), otlpGrpc.shutdown(receiversDeadline)]);
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

/** app.close() waits for requests in flight; past the deadline their connections are cut. */
async function closeHttp(app: NestFastifyApplication, deadline: Deadline): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, msLeft(deadline));
  });
  await Promise.race([app.close(), expired]);
  clearTimeout(timer);
  (app.getHttpServer() as Server).closeAllConnections();
}

main().catch((error: unknown) => {
  console.error('[driftwatch] failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
