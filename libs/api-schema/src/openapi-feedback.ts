import { z } from 'zod';
import {
  FEEDBACK_MAX_BODY_BYTES,
  FEEDBACK_MAX_ITEMS,
  feedbackItemSchema,
  feedbackSettingsSchema,
  feedbackWriteResultSchema,
  traceFeedbackListSchema,
} from './feedback.js';
import type { OpenApiHelpers } from './openapi-alerts.js';

/** POST /api/feedback, a trace's feedback, and a project's feedback settings. */
export function feedbackPaths(h: OpenApiHelpers): Record<string, unknown> {
  const request = z.union([
    feedbackItemSchema,
    z.object({ items: z.array(feedbackItemSchema).min(1).max(FEEDBACK_MAX_ITEMS) }),
  ]);
  return {
    '/api/feedback': {
      post: {
        summary:
          'Send feedback or scores on a trace or span: one item or {"items": [...]} (at most ' +
          `${FEEDBACK_MAX_ITEMS}). A project key, a public key (dwpk_) or a member session; a retried item ` +
          '(same idempotencyKey, or same content without one) is stored once and counted in duplicates',
        requestBody: h.body(request),
        responses: {
          '200': h.ok('Stored (ids in item order)', feedbackWriteResultSchema),
          ...h.errorResponses,
          '403': { description: "Origin not allowed for the key's project, or the key may not do this" },
          '413': { description: `Body over ${FEEDBACK_MAX_BODY_BYTES} bytes: split the batch` },
          '503': { description: 'Not stored now; retry after Retry-After seconds' },
        },
      },
      options: {
        summary: "CORS preflight: answered for an origin in some project's feedback settings",
        security: [],
        responses: { '204': { description: 'Allowed' }, '403': { description: 'Origin not allowed' } },
      },
    },
    '/api/traces/{traceId}/feedback': {
      get: {
        summary: 'Feedback on a trace (also items naming only one of its spans), oldest first',
        parameters: [h.pathId('traceId')],
        responses: { '200': h.ok('Items', traceFeedbackListSchema), ...h.errorResponses },
      },
    },
    '/api/projects/{id}/feedback-settings': {
      get: {
        summary: 'Allowed browser origins and how each feedback name is typed and judged',
        security: [{ session: [] }],
        parameters: [h.pathId('id')],
        responses: { '200': h.ok('Settings', feedbackSettingsSchema), ...h.errorResponses, ...h.forbidden },
      },
      put: {
        summary: 'Replace the feedback settings (admin)',
        security: [{ session: [] }],
        parameters: [h.pathId('id')],
        requestBody: h.body(feedbackSettingsSchema),
        responses: { '200': h.ok('Stored', feedbackSettingsSchema), ...h.errorResponses, ...h.forbidden },
      },
    },
  };
}
