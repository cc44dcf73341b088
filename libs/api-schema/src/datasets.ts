import { z } from 'zod';

export const createDatasetRequestSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    description: z.string().max(2000).default(''),
  })
  .strict();

/**
 * A new version from the judged items of review queues: an item with a corrected answer gives it as the expected
 * answer; otherwise a judgement labelled with one of `approvedLabels` approves the model's own answer.
 */
export const createDatasetVersionRequestSchema = z
  .object({
    queueIds: z
      .array(z.string().regex(/^q_[0-9a-f]{16}$/, 'a queue id is "q_" and 16 hex characters'))
      .min(1)
      .max(20),
    approvedLabels: z.array(z.string().min(1).max(256)).max(50).default([]),
    note: z.string().max(2000).default(''),
    /** Send "dataset.version.created" to the project's webhook destinations. */
    notify: z.boolean().default(true),
  })
  .strict();

export const datasetItemsQuerySchema = z
  .object({
    offset: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();

/** openai: {"messages": [...]} lines for chat fine-tuning; plain: {"input", "expected", "metadata"} lines. */
export const datasetExportQuerySchema = z
  .object({ format: z.enum(['openai', 'plain']).default('openai') })
  .strict();

export const datasetVersionParamSchema = z.coerce.number().int().min(1).max(4_294_967_295);
