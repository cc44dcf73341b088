import {
  topicCallListSchema,
  topicCallsQuerySchema,
  topicDetailSchema,
  topicLabelsSchema,
  topicListQuerySchema,
  topicListSchema,
  topicMapSchema,
  topicRefitSchema,
} from './topics.js';
import type { OpenApiHelpers } from './openapi-alerts.js';

/** Topics of the project's LLM call requests: read with the project's read access; a refit needs the admin role. */
export function topicPaths(h: OpenApiHelpers): Record<string, unknown> {
  const topicId = {
    name: 'topicId',
    in: 'path',
    required: true,
    schema: { type: 'string', pattern: '^t\\d{1,9}$' },
  };
  return {
    '/api/topics': {
      get: {
        summary: 'Topics with label, terms, size, share over time, novelty rate and top models',
        parameters: h.queryParameters(topicListQuerySchema),
        responses: { '200': h.ok('Topics of the latest model', topicListSchema), ...h.errorResponses },
      },
    },
    '/api/topics/labels': {
      get: {
        summary: "The latest model's topic ids and labels (for filters and columns; no activity is computed)",
        responses: {
          '200': h.ok('Topic labels of the latest model', topicLabelsSchema),
          ...h.errorResponses,
        },
      },
    },
    '/api/topics/map': {
      get: {
        summary: 'A 2-D projection of the last fit sample, coloured by topic',
        responses: { '200': h.ok('Points and topic centres', topicMapSchema), ...h.errorResponses },
      },
    },
    '/api/topics/novel': {
      get: {
        summary: 'Calls far from every topic (novel) in the window, farthest first',
        parameters: h.queryParameters(topicCallsQuerySchema),
        responses: { '200': h.ok('Novel calls', topicCallListSchema), ...h.errorResponses },
      },
    },
    '/api/topics/refit': {
      post: {
        summary: 'Fit the topics now (admin); where the embedder role runs',
        security: [{ session: [] }],
        responses: {
          '200': h.ok('Fitted', topicRefitSchema),
          '409': { description: 'Not fitted: too few request vectors, or another process is fitting' },
          '503': {
            description: 'Topics are not fitted in this process (embeddings off, or no embedder role)',
          },
          ...h.errorResponses,
          ...h.forbidden,
        },
      },
    },
    '/api/topics/{topicId}': {
      get: {
        summary: 'One topic: examples, latest calls, calls by model and release, lineage',
        parameters: [topicId, ...h.queryParameters(topicCallsQuerySchema)],
        responses: {
          '200': h.ok('The topic', topicDetailSchema),
          '404': { description: 'No such topic in the latest model' },
          ...h.errorResponses,
        },
      },
    },
  };
}
