import type { FeedbackNameConfig } from '@driftwatch/contracts';
import { describe, expect, it } from 'vitest';
import {
  FEEDBACK_MAX_ITEMS,
  feedbackSettingsSchema,
  feedbackValueProblem,
  parseFeedbackBody,
} from './feedback.js';
import { buildOpenApiDocument } from './openapi.js';

const TRACE = 'a'.repeat(32);
const item = { traceId: TRACE, name: 'thumbs', value: true };

function problems(body: unknown): string {
  const parsed = parseFeedbackBody(body);
  if (parsed.ok) throw new Error('expected a failure');
  return parsed.message;
}

describe('POST /api/feedback body', () => {
  it('takes one item or a batch, lowercasing ids', () => {
    expect(parseFeedbackBody({ ...item, traceId: TRACE.toUpperCase() })).toEqual({ ok: true, items: [item] });
    const batch = parseFeedbackBody({ items: [item, { spanId: 'B'.repeat(16), name: 'score', value: 0.5 }] });
    expect(batch.ok && batch.items.map((i) => i.spanId ?? i.traceId)).toEqual([TRACE, 'b'.repeat(16)]);
  });

  it('names each wrong field the way the wire contract does', () => {
    const message = problems({
      items: [item, item, item, { ...item, value: { nested: 1 } }, { ...item, name: 'has space', extra: 1 }],
    });
    expect(message).toContain('items[3].value: must be a finite number, a boolean, or a string');
    expect(message).toContain('items[4].name: a feedback name is 1-64 characters');
    expect(message).toMatch(/items\[4\]: Unrecognized key: "extra"/i);
    expect(problems({ name: 'x', value: 1 })).toContain('traceId: send a traceId, a spanId or both');
    expect(problems({ ...item, traceId: 'abc' })).toContain('traceId: a trace id is 32 hex characters');
    expect(problems({ ...item, traceId: '0'.repeat(32) })).toContain(
      'traceId: a trace id of zeros is not an id',
    );
    expect(problems({ ...item, comment: 'x'.repeat(4001) })).toMatch(/^comment: /);
    expect(problems({ ...item, correction: 'x'.repeat(32769) })).toMatch(/^correction: /);
    expect(problems({ ...item, value: 'x'.repeat(257) })).toMatch(/^value: /);
    const metadata = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v']));
    expect(problems({ ...item, metadata })).toContain('metadata: at most 32 entries');
    expect(problems({ ...item, idempotencyKey: 'k'.repeat(129) })).toMatch(/^idempotencyKey: /);
    expect(problems({ ...item, timeMs: -1 })).toMatch(/^timeMs: /);
    expect(problems([item])).toContain('body: send one feedback item or {"items"');
  });

  it(`refuses empty batches and batches over ${FEEDBACK_MAX_ITEMS} items, and bounds the message`, () => {
    expect(problems({ items: [] })).toMatch(/^items: /);
    expect(problems({ items: Array.from({ length: FEEDBACK_MAX_ITEMS + 1 }, () => item) })).toMatch(
      /^items: /,
    );
    const bad = problems({ items: Array.from({ length: 100 }, () => ({ ...item, value: null })) });
    expect(bad).toContain('items[19].value');
    expect(bad).not.toContain('items[20].value');
    expect(bad).toContain('and 80 more problems');
  });
});

describe('values against the project feedback settings', () => {
  it('checks type, range and labels, and names that must be configured', () => {
    const rating = { name: 'rating', type: 'numeric', min: 1, max: 5 } as const;
    expect(feedbackValueProblem(rating, 3, false)).toBeNull();
    expect(feedbackValueProblem(rating, 6, false)).toBe('6 is outside the range 1..5 of "rating"');
    expect(feedbackValueProblem(rating, 'good', false)).toContain('is not a number');
    const thumbs = { name: 'thumbs', type: 'boolean' } as const;
    expect(feedbackValueProblem(thumbs, 1, false)).toBeNull();
    expect(feedbackValueProblem(thumbs, 2, false)).toContain('not a thumbs value');
    const verdict: FeedbackNameConfig = {
      name: 'verdict',
      type: 'categorical',
      labels: ['ok', 'wrong'],
      negativeLabels: [],
    };
    expect(feedbackValueProblem(verdict, 'wrong', false)).toBeNull();
    expect(feedbackValueProblem(verdict, 'meh', false)).toContain('not one of the labels');
    expect(feedbackValueProblem(undefined, 'anything', false)).toBeNull();
    expect(feedbackValueProblem(undefined, 1, true)).toContain('not a feedback name configured');
  });

  it('validates settings: origins, duplicate names, ranges and negative labels', () => {
    expect(feedbackSettingsSchema.parse({})).toEqual({
      allowedOrigins: [],
      names: [],
      requireConfiguredNames: false,
    });
    const bad = feedbackSettingsSchema.safeParse({
      allowedOrigins: ['https://app.example.com/path'],
      names: [
        { name: 'r', type: 'numeric', min: 5, max: 1 },
        { name: 'r', type: 'boolean' },
        { name: 'v', type: 'categorical', labels: ['a'], negativeLabels: ['b'] },
      ],
    });
    expect(bad.success).toBe(false);
    const paths = bad.error?.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(['allowedOrigins.0', 'names.0.min', 'names.1.name', 'names.2.negativeLabels']);
  });
});

describe('OpenAPI', () => {
  it('documents the feedback, review and dataset routes', () => {
    const doc = buildOpenApiDocument('test') as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/api/feedback'] ?? {})).toEqual(['post', 'options']);
    expect(doc.paths['/api/traces/{traceId}/feedback']?.get).toBeDefined();
    expect(Object.keys(doc.paths['/api/projects/{id}/feedback-settings'] ?? {})).toEqual(['get', 'put']);
    expect(doc.paths['/api/review-queues/{queueId}/items/{itemId}/judgement']?.put).toBeDefined();
    expect(doc.paths['/api/datasets/{datasetId}/versions/{version}/export']?.get).toBeDefined();
  });
});
