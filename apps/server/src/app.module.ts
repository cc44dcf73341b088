import { type DynamicModule, Module } from '@nestjs/common';
import { AlertDestinationsController } from './alerts/alert-destinations.controller.js';
import { AlertRulesController } from './alerts/alert-rules.controller.js';
import { ProblemNotificationsController } from './alerts/problem-notifications.controller.js';
import { HealthController } from './api/health.controller.js';
import { MetricsController } from './api/metrics.controller.js';
import { PricesController } from './api/prices.controller.js';
import { DetectorsController } from './detection/detectors.controller.js';
import { ProblemsController } from './detection/problems.controller.js';
import { SessionsController } from './api/sessions.controller.js';
import { TracesController } from './api/traces.controller.js';
import { AccessGuard } from './auth/access.guard.js';
import { AUTH, type AuthServices } from './auth/auth.constants.js';
import { AuthController } from './auth/auth.controller.js';
import { ProjectsController } from './auth/projects.controller.js';
import { UsersController } from './auth/users.controller.js';
import { OTLP_HTTP, PIPELINE, VERSION } from './common/tokens.js';
import { CLIENT_ERROR_FILTER } from './common/validation.js';
import { FeedbackSettingsController } from './feedback/feedback-settings.controller.js';
import { FeedbackController } from './feedback/feedback.controller.js';
import { ReviewQueuesController, RubricController } from './review/review.controller.js';
import { DatasetsController } from './datasets/datasets.controller.js';
import type { Pipeline } from './composition/pipeline.js';
import { OtlpController } from './otlp/otlp.controller.js';
import type { OtlpHttpHandler } from './otlp/otlp-http-handler.js';
import { TopicsController } from './topics/topics.controller.js';

@Module({})
export class AppModule {
  static register(deps: {
    pipeline: Pipeline;
    otlpHttp: OtlpHttpHandler;
    version: string;
    auth: AuthServices;
    roles: ReadonlySet<'ingest' | 'writer' | 'api' | 'notifier' | 'embedder' | 'detector'>;
  }): DynamicModule {
    // Every role answers /healthz and /readyz; OTLP and the REST API only where their role runs.
    const controllers = [
      HealthController,
      ...(deps.roles.has('ingest') ? [OtlpController] : []),
      ...(deps.roles.has('api')
        ? [
            TracesController,
            SessionsController,
            MetricsController,
            AuthController,
            UsersController,
            ProjectsController,
            PricesController,
            AlertDestinationsController,
            AlertRulesController,
            FeedbackController,
            FeedbackSettingsController,
            ReviewQueuesController,
            RubricController,
            DatasetsController,
            ProblemsController,
            ProblemNotificationsController,
            DetectorsController,
            TopicsController,
          ]
        : []),
    ];
    return {
      module: AppModule,
      controllers,
      providers: [
        AccessGuard,
        CLIENT_ERROR_FILTER,
        { provide: AUTH, useValue: deps.auth },
        { provide: PIPELINE, useValue: deps.pipeline },
        { provide: OTLP_HTTP, useValue: deps.otlpHttp },
        { provide: VERSION, useValue: deps.version },
      ],
    };
  }
}
