import { z } from 'zod';
import { instant, withTimeRange } from './time.js';

/** Topic ids are given by the fitter: `t` and a number, stable across re-fits. */
export const topicIdParamSchema = z.string().regex(/^t\d{1,9}$/, 'a topic id is t followed by digits');

/** A filter on topics: one id, or a group of up to 8 near topics by comma ("t2,t19"), as problems name them. */
export const topicFilterSchema = z
  .string()
  .regex(
    /^t\d{1,9}(,t\d{1,9}){0,7}$/,
    'a topic id (t followed by digits), or up to 8 of them separated by commas',
  );

/** GET /api/topics: the window shares and novelty are computed over, and how many buckets the share lines get. */
export const topicListQuerySchema = z
  .object({
    from: instant.optional(),
    to: instant.optional(),
    buckets: z.coerce.number().int().min(1).max(200).default(24),
  })
  .strict()
  .transform(withTimeRange);

export const topicCallsQuerySchema = z
  .object({
    from: instant.optional(),
    to: instant.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(20),
  })
  .strict()
  .transform(withTimeRange);

const termSchema = z.object({ term: z.string(), weight: z.number() });

const modelInfoSchema = z.object({
  version: z.number().int(),
  fittedAt: z.string(),
  windowFrom: z.string(),
  windowTo: z.string(),
  sampleSize: z.number().int(),
});

export const topicSummarySchema = z.object({
  id: z.string(),
  label: z.string(),
  terms: z.array(termSchema),
  /** Calls of the fit window in this topic. */
  size: z.number().int(),
  /** Assigned (embedded) calls in the query window. */
  calls: z.number().int(),
  /** The calls they stand for: each weighted by its minute's sampling rate (seen / embedded). */
  estimatedCalls: z.number(),
  /** Its estimated calls / all estimated calls of the window (unbiased under sampling). */
  share: z.number(),
  /** Its share in each bucket (null where the bucket has no assigned call). */
  shareOverTime: z.array(z.number().nullable()),
  novelCalls: z.number().int(),
  /** Novel calls / calls (0 without calls). */
  noveltyRate: z.number(),
  topModels: z.array(z.object({ model: z.string(), calls: z.number().int() })),
  /** Traces of the topic that end users judged in the window, and the share of them judged negative (null: none). */
  judgedTraces: z.number().int(),
  negativeFeedbackRate: z.number().nullable(),
});

export const topicListSchema = z.object({
  /** Null until the project's first fit. */
  model: modelInfoSchema.nullable(),
  bucketStarts: z.array(z.string()),
  totalCalls: z.number().int(),
  novelCalls: z.number().int(),
  topics: z.array(topicSummarySchema),
});

/** The latest model's topic names only (filters and columns): no activity is read, so it costs one model read. */
export const topicLabelsSchema = z.object({
  model: modelInfoSchema.nullable(),
  topics: z.array(z.object({ id: z.string(), label: z.string() })),
});

/** One assigned call with its request text. */
export const topicCallSchema = z.object({
  traceId: z.string(),
  spanId: z.string(),
  time: z.string(),
  model: z.string(),
  release: z.string(),
  topicId: z.string(),
  distance: z.number(),
  novelty: z.number(),
  novel: z.boolean(),
  text: z.string(),
});

export const topicCallListSchema = z.object({ items: z.array(topicCallSchema) });

const countSchema = z.object({ key: z.string(), calls: z.number().int() });

export const topicDetailSchema = z.object({
  model: modelInfoSchema,
  topic: z.object({
    id: z.string(),
    label: z.string(),
    terms: z.array(termSchema),
    size: z.number().int(),
    radius: z.number(),
  }),
  examples: z.array(z.object({ traceId: z.string(), spanId: z.string(), text: z.string() })),
  /** Its latest calls in the window. */
  calls: z.array(topicCallSchema),
  byModel: z.array(countSchema),
  byRelease: z.array(countSchema),
  lineage: z.array(
    z.object({
      version: z.number().int(),
      kind: z.enum(['created', 'continued', 'retired', 'split', 'merge']),
      from: z.array(z.string()),
      into: z.array(z.string()),
    }),
  ),
});

export const topicMapSchema = z.object({
  model: modelInfoSchema.nullable(),
  topics: z.array(z.object({ id: z.string(), label: z.string(), x: z.number(), y: z.number() })),
  points: z.array(
    z.object({
      traceId: z.string(),
      spanId: z.string(),
      topicId: z.string(),
      x: z.number(),
      y: z.number(),
      text: z.string(),
    }),
  ),
});

export const topicRefitSchema = z.object({
  version: z.number().int(),
  topics: z.number().int(),
  calls: z.number().int(),
});

export type TopicList = z.infer<typeof topicListSchema>;
export type TopicLabels = z.infer<typeof topicLabelsSchema>;
export type TopicCall = z.infer<typeof topicCallSchema>;
export type TopicCallList = z.infer<typeof topicCallListSchema>;
export type TopicDetail = z.infer<typeof topicDetailSchema>;
export type TopicMap = z.infer<typeof topicMapSchema>;
export type TopicRefit = z.infer<typeof topicRefitSchema>;
