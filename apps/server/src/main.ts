import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { deadlineIn } from '@driftwatch/contracts';
import { AppModule } from './app.module.js';
import { bootstrapKeys } from './composition/bootstrap-keys.js';
import { createPipeline } from './composition/pipeline.js';
import { loadConfig } from './config/config.js';
import { configureFastify } from './http/fastify-setup.js';
import { OtlpTraceReceiver } from './otlp/otlp-trace-receiver.js';
import { printBanner } from './banner.js';

const VERSION = process.env.npm_package_version ?? '0.1.0';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = (message: string) => console.log(`[driftwatch] ${message}`);
  const pipeline = await createPipeline(config, log);
  const newKey = await bootstrapKeys(pipeline.keys, config);
  const receiver = new OtlpTraceReceiver(pipeline.keys, pipeline.queue, config);

  const adapter = new FastifyAdapter({ bodyLimit: config.maxBodyBytes, logger: false });
  configureFastify(adapter.getInstance(), receiver);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register({ pipeline, receiver, version: VERSION }),
    adapter,
    {
      bodyParser: false,
      logger: [
        'error',
        'warn',
        ...(config.logLevel === 'log' || config.logLevel === 'debug' ? (['log'] as const) : []),
      ],
    },
  );
  await app.listen(config.otlpHttpPort, config.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.otlpHttpPort;
  printBanner({ port, apiKey: newKey, dataDir: config.dataDir });

  let stopping: Promise<void> | null = null;
  const stop = (signal: string) => {
    stopping ??= (async () => {
      log(`${signal}: flushing and stopping`);
      const deadline = deadlineIn(config.shutdownTimeoutMs);
      await app.close();
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
