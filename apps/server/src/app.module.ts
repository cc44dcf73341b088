import { type DynamicModule, Module } from '@nestjs/common';
import { HealthController } from './api/health.controller.js';
import { MetricsController } from './api/metrics.controller.js';
import { TracesController } from './api/traces.controller.js';
import { ApiKeyGuard } from './common/api-key.guard.js';
import { OTLP_HTTP, PIPELINE, VERSION } from './common/tokens.js';
import type { Pipeline } from './composition/pipeline.js';
import { OtlpController } from './otlp/otlp.controller.js';
import type { OtlpHttpHandler } from './otlp/otlp-http-handler.js';

@Module({})
export class AppModule {
  static register(deps: { pipeline: Pipeline; otlpHttp: OtlpHttpHandler; version: string }): DynamicModule {
    return {
      module: AppModule,
      controllers: [OtlpController, TracesController, MetricsController, HealthController],
      providers: [
        ApiKeyGuard,
        { provide: PIPELINE, useValue: deps.pipeline },
        { provide: OTLP_HTTP, useValue: deps.otlpHttp },
        { provide: VERSION, useValue: deps.version },
      ],
    };
  }
}
