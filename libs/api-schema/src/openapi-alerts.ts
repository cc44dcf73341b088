import type { z } from 'zod';
import {
  alertDeliveryListSchema,
  alertDeliveryQuerySchema,
  alertDestinationListSchema,
  createAlertDestinationRequestSchema,
  createdAlertDestinationSchema,
  createMetricRuleRequestSchema,
  metricRuleListSchema,
  metricRuleSchema,
  testAlertResponseSchema,
  updateAlertDestinationRequestSchema,
  alertDestinationSchema,
  createProblemRouteRequestSchema,
  problemRouteListSchema,
  problemRouteSchema,
  problemNotificationListSchema,
} from './alerts.js';

type JsonSchema = Record<string, unknown>;

/** The helpers of openapi.ts, passed in so both files build paths the same way. */
export interface OpenApiHelpers {
  ok(description: string, s: z.ZodType): JsonSchema;
  body(s: z.ZodType): JsonSchema;
  queryParameters(s: z.ZodType): JsonSchema[];
  pathId(name: string): JsonSchema;
  errorResponses: JsonSchema;
  forbidden: JsonSchema;
}

/** Alert destinations of a project: reading needs membership, changes and test messages the admin role. */
export function alertPaths(h: OpenApiHelpers): Record<string, unknown> {
  const security = [{ session: [] }];
  const errors = {
    ...h.errorResponses,
    ...h.forbidden,
    '404': { description: 'No such project or destination' },
  };
  const base = '/api/projects/{id}/alert-destinations';
  return {
    [base]: {
      get: {
        summary: 'Alert destinations (URLs and secrets are never returned, only a hint)',
        security,
        parameters: [h.pathId('id')],
        responses: { '200': h.ok('Destinations', alertDestinationListSchema), ...errors },
      },
      post: {
        summary: 'Add a Slack or signed-webhook destination (admin); the signing secret is returned once',
        security,
        parameters: [h.pathId('id')],
        requestBody: h.body(createAlertDestinationRequestSchema),
        responses: { '201': h.ok('Created', createdAlertDestinationSchema), ...errors },
      },
    },
    [`${base}/{destinationId}`]: {
      delete: {
        summary: 'Remove a destination (admin)',
        security,
        parameters: [h.pathId('id'), h.pathId('destinationId')],
        responses: { '204': { description: 'Removed' }, ...errors },
      },
      patch: {
        summary: 'Enable or disable a destination (admin); while disabled nothing is sent to it',
        security,
        parameters: [h.pathId('id'), h.pathId('destinationId')],
        requestBody: h.body(updateAlertDestinationRequestSchema),
        responses: { '200': h.ok('Changed', alertDestinationSchema), ...errors },
      },
    },
    [`${base}/{destinationId}/test`]: {
      post: {
        summary: 'Send a test message through the outbox (admin)',
        security,
        parameters: [h.pathId('id'), h.pathId('destinationId')],
        responses: { '202': h.ok('Recorded; the notifier sends it', testAlertResponseSchema), ...errors },
      },
    },
    [`${base}/{destinationId}/deliveries`]: {
      get: {
        summary: 'Delivery log of a destination, newest first (time, status code, latency, attempt)',
        security,
        parameters: [
          h.pathId('id'),
          h.pathId('destinationId'),
          ...h.queryParameters(alertDeliveryQuerySchema),
        ],
        responses: { '200': h.ok('Tries', alertDeliveryListSchema), ...errors },
      },
    },
    '/api/projects/{id}/alert-rules': {
      get: {
        summary: 'Metric rules (error rate, p95 latency, cost, cost per user over a window)',
        security,
        parameters: [h.pathId('id')],
        responses: { '200': h.ok('Rules', metricRuleListSchema), ...errors },
      },
      post: {
        summary: 'Add a metric rule (admin); it alerts once when it fires and once when it resolves',
        security,
        parameters: [h.pathId('id')],
        requestBody: h.body(createMetricRuleRequestSchema),
        responses: { '201': h.ok('Created', metricRuleSchema), ...errors },
      },
    },
    '/api/projects/{id}/alert-rules/{ruleId}': {
      delete: {
        summary: 'Remove a metric rule (admin)',
        security,
        parameters: [h.pathId('id'), h.pathId('ruleId')],
        responses: { '204': { description: 'Removed' }, ...errors },
      },
    },
    '/api/projects/{id}/alert-routes': {
      get: {
        summary: 'Problem routes (which problems go to which destinations)',
        security,
        parameters: [h.pathId('id')],
        responses: { '200': h.ok('Routes', problemRouteListSchema), ...errors },
      },
      post: {
        summary:
          'Route problems (admin): one message when a problem opens, optional reminders, one when it resolves',
        security,
        parameters: [h.pathId('id')],
        requestBody: h.body(createProblemRouteRequestSchema),
        responses: { '201': h.ok('Created', problemRouteSchema), ...errors },
      },
    },
    '/api/problems/{problemId}/notifications': {
      get: {
        summary:
          "Where a problem was sent: each recorded notification's destination (name and kind, never the URL), transition, delivery state, tries and last HTTP status",
        parameters: [h.pathId('problemId')],
        responses: {
          '200': h.ok('Notifications, oldest first', problemNotificationListSchema),
          ...h.errorResponses,
          ...h.forbidden,
          '404': { description: 'No such problem in this project' },
        },
      },
    },
    '/api/projects/{id}/alert-routes/{routeId}': {
      delete: {
        summary: 'Remove a problem route (admin)',
        security,
        parameters: [h.pathId('id'), h.pathId('routeId')],
        responses: { '204': { description: 'Removed' }, ...errors },
      },
    },
  };
}
