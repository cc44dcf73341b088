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
import {
  createDatasetRequestSchema,
  createDatasetVersionRequestSchema,
  datasetExportQuerySchema,
  datasetItemsQuerySchema,
} from './datasets.js';
import {
  addQueueItemsRequestSchema,
  createQueueRequestSchema,
  fillQueueRequestSchema,
  judgementRequestSchema,
  queueItemsQuerySchema,
  rubricSchema,
} from './review.js';

const any = z.record(z.string(), z.unknown());

/** The feedback loop: POST /api/feedback, feedback settings, review queues and datasets. */
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
    ...reviewPaths(h),
  };
}

/** Review queues, the rubric and datasets (responses described in docs/review-and-datasets.md). */
function reviewPaths(h: OpenApiHelpers): Record<string, unknown> {
  const q = h.pathId('queueId');
  const d = h.pathId('datasetId');
  const done = (description: string) => ({
    '200': h.ok(description, any),
    ...h.errorResponses,
    ...h.forbidden,
  });
  return {
    '/api/projects/{id}/rubric': {
      get: {
        summary: "The project's review rubric",
        parameters: [h.pathId('id')],
        responses: done('Rubric'),
      },
      put: {
        summary: 'Replace the rubric (admin)',
        parameters: [h.pathId('id')],
        requestBody: h.body(rubricSchema),
        responses: done('Stored'),
      },
    },
    '/api/review-queues': {
      get: { summary: 'Review queues with their progress', responses: done('Queues') },
      post: {
        summary: 'Create a queue (admin)',
        requestBody: h.body(createQueueRequestSchema),
        responses: done('Created'),
      },
    },
    '/api/review-queues/{queueId}': {
      get: { summary: 'A queue and its progress', parameters: [q], responses: done('Queue') },
    },
    '/api/review-queues/{queueId}/items': {
      get: {
        summary: 'Items of a queue',
        parameters: [q, ...h.queryParameters(queueItemsQuerySchema)],
        responses: done('Items'),
      },
      post: {
        summary: 'Add traces by hand (member)',
        parameters: [q],
        requestBody: h.body(addQueueItemsRequestSchema),
        responses: done('Added'),
      },
    },
    '/api/review-queues/{queueId}/fill': {
      post: {
        summary: "Run the queue's rule over a time range (member)",
        parameters: [q],
        requestBody: h.body(fillQueueRequestSchema),
        responses: done('Filled'),
      },
    },
    '/api/review-queues/{queueId}/next': {
      post: {
        summary: "The caller's next item with its trace (member); 204 when none is left",
        parameters: [q],
        responses: { ...done('Item'), '204': { description: 'Nothing left for you' } },
      },
    },
    '/api/review-queues/{queueId}/items/{itemId}/judgement': {
      put: {
        summary: "The caller's judgement (member): stored once however often sent; another replaces it",
        parameters: [q, h.pathId('itemId')],
        requestBody: h.body(judgementRequestSchema),
        responses: done('Stored'),
      },
    },
    '/api/review-queues/{queueId}/judgements': {
      get: { summary: 'Judgements of a queue', parameters: [q], responses: done('Judgements') },
    },
    '/api/review-queues/{queueId}/agreement': {
      get: {
        summary: "Cohen's kappa between reviewers on labels and categorical criteria",
        parameters: [q],
        responses: done('Agreement'),
      },
    },
    '/api/datasets': {
      get: { summary: 'Datasets', responses: done('Datasets') },
      post: {
        summary: 'Create a dataset (member)',
        requestBody: h.body(createDatasetRequestSchema),
        responses: done('Created'),
      },
    },
    '/api/datasets/{datasetId}': {
      get: { summary: 'A dataset and its versions', parameters: [d], responses: done('Dataset') },
    },
    '/api/datasets/{datasetId}/versions': {
      post: {
        summary: 'A new immutable version from judged review items (member); fires dataset.version.created',
        parameters: [d],
        requestBody: h.body(createDatasetVersionRequestSchema),
        responses: done('Version'),
      },
    },
    '/api/datasets/{datasetId}/versions/{version}/items': {
      get: {
        summary: 'Items of a version',
        parameters: [d, h.pathId('version'), ...h.queryParameters(datasetItemsQuerySchema)],
        responses: done('Items'),
      },
    },
    '/api/datasets/{datasetId}/versions/{version}/export': {
      get: {
        summary: 'The version as JSONL (OpenAI chat fine-tuning or {input, expected, metadata}), streamed',
        parameters: [d, h.pathId('version'), ...h.queryParameters(datasetExportQuerySchema)],
        responses: { '200': { description: 'JSONL download' }, ...h.errorResponses, ...h.forbidden },
      },
    },
  };
}
