import { z } from 'zod';
import { apiErrorSchema } from './errors.js';
import { metricsQuerySchema, metricsSummarySchema } from './metrics.js';
import { traceDetailSchema, traceListPageSchema, traceListQuerySchema } from './traces.js';

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

export function buildOpenApiDocument(version: string): JsonSchema {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Driftwatch API',
      version,
      description:
        'Read traces and metrics of one project. Authenticate with `Authorization: Bearer <project API key>`.',
    },
    components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
    security: [{ apiKey: [] }],
    paths: {
      '/api/traces': {
        get: {
          summary: 'List traces',
          parameters: queryParameters(traceListQuerySchema),
          responses: { '200': ok('A page of traces', traceListPageSchema), ...errorResponses },
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
