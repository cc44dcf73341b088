import { z } from 'zod';
import { apiErrorSchema } from './errors.js';
import { alertPaths } from './openapi-alerts.js';
import { feedbackPaths } from './openapi-feedback.js';
import { detectionPaths } from './openapi-detection.js';
import { topicPaths } from './openapi-topics.js';
import { sessionPaths } from './openapi-sessions.js';
import { metricsQuerySchema, metricsSummarySchema } from './metrics.js';
import { traceCountSchema, traceDetailSchema, traceListPageSchema, traceListQuerySchema } from './traces.js';
import {
  createUserRequestSchema,
  loginRequestSchema,
  meResponseSchema,
  updateUserRequestSchema,
  userListSchema,
  userSchema,
} from './auth.js';
import {
  apiKeyListSchema,
  createApiKeyRequestSchema,
  createdApiKeySchema,
  createProjectRequestSchema,
  projectListSchema,
  projectSchema,
  updateProjectRequestSchema,
} from './projects.js';
import { priceOverrideListSchema } from './prices.js';

type JsonSchema = Record<string, unknown>;

function schema(s: z.ZodType, io: 'input' | 'output' = 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** Query parameters from the input side of an object schema. */
function queryParameters(s: z.ZodType): JsonSchema[] {
  const json = schema(s, 'input') as { properties?: Record<string, JsonSchema> };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: false,
    schema: property,
  }));
}

const errorResponses = {
  '400': {
    description: 'Invalid request',
    content: { 'application/json': { schema: schema(apiErrorSchema) } },
  },
  '401': {
    description: 'Missing or unknown API key',
    content: { 'application/json': { schema: schema(apiErrorSchema) } },
  },
};

function ok(description: string, s: z.ZodType) {
  return { description, content: { 'application/json': { schema: schema(s) } } };
}

function body(s: z.ZodType) {
  return { required: true, content: { 'application/json': { schema: schema(s, 'input') } } };
}

const forbidden = { '403': { description: 'The role or project does not allow this' } };
const pathId = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });

/** Sign-in, users and projects: session cookie (dashboard); admin routes need the admin role. */
function accountPaths(): Record<string, unknown> {
  const session = [{ session: [] }];
  return {
    '/api/auth/login': {
      post: {
        summary: 'Sign in; sets the HttpOnly session cookie',
        security: [],
        requestBody: body(loginRequestSchema),
        responses: {
          '200': ok('Signed in', meResponseSchema),
          '401': { description: 'Wrong email or password' },
          '429': { description: 'Too many attempts for this email and address; see Retry-After' },
        },
      },
    },
    '/api/auth/logout': {
      post: {
        summary: 'Sign out (revokes the session)',
        security: session,
        responses: { '204': { description: 'Signed out' } },
      },
    },
    '/api/auth/me': {
      get: {
        summary: 'The signed-in user, role and projects',
        security: session,
        responses: { '200': ok('Me', meResponseSchema), ...errorResponses },
      },
    },
    '/api/users': {
      get: {
        summary: 'All users (admin)',
        security: session,
        responses: { '200': ok('Users', userListSchema), ...errorResponses, ...forbidden },
      },
      post: {
        summary: 'Create a user (admin)',
        security: session,
        requestBody: body(createUserRequestSchema),
        responses: { '201': ok('Created', userSchema), ...errorResponses, ...forbidden },
      },
    },
    '/api/users/{id}': {
      patch: {
        summary: 'Change role, memberships, password or disable (admin)',
        security: session,
        parameters: [pathId('id')],
        requestBody: body(updateUserRequestSchema),
        responses: { '200': ok('Updated', userSchema), ...errorResponses, ...forbidden },
      },
    },
    '/api/projects': {
      get: {
        summary: 'Projects the caller may open',
        security: session,
        responses: { '200': ok('Projects', projectListSchema), ...errorResponses },
      },
      post: {
        summary: 'Create a project (admin)',
        security: session,
        requestBody: body(createProjectRequestSchema),
        responses: { '201': ok('Created', projectSchema), ...errorResponses, ...forbidden },
      },
    },
    '/api/projects/{id}': {
      patch: {
        summary: 'Rename or set retention (admin)',
        security: session,
        parameters: [pathId('id')],
        requestBody: body(updateProjectRequestSchema),
        responses: { '200': ok('Updated', projectSchema), ...errorResponses, ...forbidden },
      },
    },
    '/api/projects/{id}/api-keys': {
      get: {
        summary: 'API keys of a project (prefix, name, created, revoked)',
        security: session,
        parameters: [pathId('id')],
        responses: { '200': ok('Keys', apiKeyListSchema), ...errorResponses, ...forbidden },
      },
      post: {
        summary: 'Create an API key (admin); the key is in this response only',
        security: session,
        parameters: [pathId('id')],
        requestBody: body(createApiKeyRequestSchema),
        responses: { '201': ok('Created', createdApiKeySchema), ...errorResponses, ...forbidden },
      },
    },
    '/api/projects/{id}/prices': {
      get: {
        summary: "The project's price overrides (USD per 1M tokens)",
        security: session,
        parameters: [pathId('id')],
        responses: { '200': ok('Overrides', priceOverrideListSchema), ...errorResponses, ...forbidden },
      },
      put: {
        summary: 'Replace the price overrides (admin); they apply to spans ingested from then on',
        security: session,
        parameters: [pathId('id')],
        requestBody: body(priceOverrideListSchema),
        responses: { '200': ok('Stored', priceOverrideListSchema), ...errorResponses, ...forbidden },
      },
    },
    '/api/projects/{id}/api-keys/{prefix}': {
      delete: {
        summary: 'Revoke an API key (admin)',
        security: session,
        parameters: [pathId('id'), pathId('prefix')],
        responses: {
          '204': { description: 'Revoked' },
          '404': { description: 'No such key' },
          ...errorResponses,
          ...forbidden,
        },
      },
    },
  };
}

export function buildOpenApiDocument(version: string): JsonSchema {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Driftwatch API',
      version,
      description:
        'Read traces and metrics of one project. Authenticate with `Authorization: Bearer <project API key>`, ' +
        'or with the dashboard session cookie and the project in the `x-driftwatch-project` header (or `project` query parameter).',
    },
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer' },
        session: { type: 'apiKey', in: 'cookie', name: 'dw_session' },
      },
    },
    security: [{ apiKey: [] }, { session: [] }],
    paths: {
      ...accountPaths(),
      ...alertPaths({ ok, body, queryParameters, pathId, errorResponses, forbidden }),
      ...feedbackPaths({ ok, body, queryParameters, pathId, errorResponses, forbidden }),
      ...detectionPaths({ ok, body, queryParameters, pathId, errorResponses, forbidden }),
      ...topicPaths({ ok, body, queryParameters, pathId, errorResponses, forbidden }),
      ...sessionPaths({ ok, body, queryParameters, pathId, errorResponses, forbidden }),
      '/api/traces': {
        get: {
          summary: 'List traces',
          parameters: queryParameters(traceListQuerySchema),
          responses: { '200': ok('A page of traces', traceListPageSchema), ...errorResponses },
        },
      },
      '/api/traces/count': {
        get: {
          summary: 'How many traces match the list filters (up to 10,000; totalCapped says "more than")',
          parameters: queryParameters(traceListQuerySchema),
          responses: { '200': ok('The count', traceCountSchema), ...errorResponses },
        },
      },
      '/api/traces/{traceId}': {
        get: {
          summary: 'One trace with all its spans',
          parameters: [
            {
              name: 'traceId',
              in: 'path',
              required: true,
              schema: { type: 'string', pattern: '^[0-9a-fA-F]{32}$' },
            },
          ],
          responses: {
            '200': ok('The trace', traceDetailSchema),
            '404': { description: 'No such trace in this project' },
            ...errorResponses,
          },
        },
      },
      '/api/metrics/summary': {
        get: {
          summary: 'Volume, errors, latency, tokens and cost of model calls, in time buckets',
          parameters: queryParameters(metricsQuerySchema),
          responses: { '200': ok('Totals and buckets', metricsSummarySchema), ...errorResponses },
        },
      },
      '/v1/traces': {
        post: {
          summary: 'OTLP/HTTP trace export (application/x-protobuf or application/json, optionally gzip)',
          responses: {
            '200': { description: 'Stored (partial_success lists rejected spans)' },
            '400': { description: 'Malformed body' },
            '401': { description: 'Missing or unknown API key' },
            '413': { description: 'Body or decompressed body too large' },
            '415': { description: 'Unsupported content type' },
            '429': { description: 'Pipeline saturated; retry after Retry-After seconds' },
            '503': { description: 'Not ready or shutting down; retry after Retry-After seconds' },
          },
        },
      },
      '/healthz': { get: { summary: 'Alive', security: [], responses: { '200': { description: 'Alive' } } } },
      '/readyz': {
        get: {
          summary: 'Store and queue ready',
          security: [],
          responses: { '200': { description: 'Ready' }, '503': { description: 'Not ready' } },
        },
      },
    },
  };
}
