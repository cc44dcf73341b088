import {
  detectionRunListQuerySchema,
  detectionRunListSchema,
  detectorSettingsRequestSchema,
  detectorSettingsSchema,
  problemListQuerySchema,
  problemListSchema,
  problemSchema,
  runDetectorsRequestSchema,
  runDetectorsResponseSchema,
} from './detection.js';
import type { OpenApiHelpers } from './openapi-alerts.js';

/** Problems found by the detectors, their status, detector settings per project, and backfill runs. */
export function detectionPaths(h: OpenApiHelpers): Record<string, unknown> {
  const errors = { ...h.errorResponses, ...h.forbidden };
  const notFound = { '404': { description: 'No such problem in this project' } };
  return {
    '/api/problems': {
      get: {
        summary:
          'Problems of the project: filter by status, kind, dimension and value, time; sort by severity or time',
        parameters: h.queryParameters(problemListQuerySchema),
        responses: { '200': h.ok('A page of problems', problemListSchema), ...errors },
      },
    },
    '/api/problems/{problemId}': {
      get: {
        summary: 'One problem with its evidence (series and baseline band, example trace ids, topic)',
        parameters: [h.pathId('problemId')],
        responses: { '200': h.ok('The problem', problemSchema), ...errors, ...notFound },
      },
    },
    '/api/problems/{problemId}/acknowledge': {
      post: {
        summary: 'Acknowledge a problem (members and admins); who and when are recorded',
        security: [{ session: [] }],
        parameters: [h.pathId('problemId')],
        responses: {
          '200': h.ok('Acknowledged', problemSchema),
          '409': { description: 'The problem is resolved' },
          ...errors,
          ...notFound,
        },
      },
    },
    '/api/problems/{problemId}/resolve': {
      post: {
        summary: 'Resolve a problem (members and admins); who and when are recorded',
        security: [{ session: [] }],
        parameters: [h.pathId('problemId')],
        responses: { '200': h.ok('Resolved', problemSchema), ...errors, ...notFound },
      },
    },
    '/api/projects/{id}/detectors': {
      get: {
        summary: "The project's detector settings (the defaults until set)",
        security: [{ session: [] }],
        parameters: [h.pathId('id')],
        responses: { '200': h.ok('Settings', detectorSettingsSchema), ...errors },
      },
      put: {
        summary:
          'Replace the detector settings (admin): detectors, false-alarm rate, minimum samples, baseline, window, dimensions',
        security: [{ session: [] }],
        parameters: [h.pathId('id')],
        requestBody: h.body(detectorSettingsRequestSchema),
        responses: { '200': h.ok('Stored', detectorSettingsSchema), ...errors },
      },
    },
    '/api/detectors/settings': {
      get: {
        summary: "The request's project's detector settings (as /api/projects/{id}/detectors)",
        security: [{ session: [] }],
        responses: { '200': h.ok('Settings', detectorSettingsSchema), ...errors },
      },
      put: {
        summary: "Replace the request's project's detector settings (admin; as /api/projects/{id}/detectors)",
        security: [{ session: [] }],
        requestBody: h.body(detectorSettingsRequestSchema),
        responses: { '200': h.ok('Stored', detectorSettingsSchema), ...errors },
      },
    },
    '/api/detectors/runs': {
      get: {
        summary:
          "The project's latest detection runs, newest window first: outcome, runner, error, checks that lacked data",
        parameters: h.queryParameters(detectionRunListQuerySchema),
        responses: { '200': h.ok('Runs', detectionRunListSchema), ...errors },
      },
    },
    '/api/detectors/run': {
      post: {
        summary:
          'Run detection over every whole window in [from, to) of the project (admin), e.g. a backfill after install',
        security: [{ session: [] }],
        requestBody: h.body(runDetectorsRequestSchema),
        responses: {
          '200': h.ok('What each window found or why it did not test', runDetectorsResponseSchema),
          '409': { description: 'Another runner is detecting for this project now; retry shortly' },
          ...errors,
        },
      },
    },
  };
}
