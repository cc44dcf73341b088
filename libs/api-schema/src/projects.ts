import { z } from 'zod';

export const projectIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'a project id is 1-64 of [A-Za-z0-9_-]');

export const projectSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Days spans are kept; 0 means the server-wide retention applies. */
  retentionDays: z.number().int(),
  createdAt: z.string(),
});
export type Project = z.infer<typeof projectSchema>;

export const projectListSchema = z.object({ items: z.array(projectSchema) });

export const createProjectRequestSchema = z
  .object({
    id: projectIdSchema,
    name: z.string().trim().min(1).max(200),
    retentionDays: z.number().int().min(0).max(25_000).default(0),
  })
  .strict();

export const updateProjectRequestSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    retentionDays: z.number().int().min(0).max(25_000).optional(),
  })
  .strict();

export const apiKeySchema = z.object({
  /** "dw_" (public keys: "dwpk_") and 8 characters: identifies the key in lists and logs. */
  prefix: z.string(),
  /** project: reads the project, sends traces and feedback; public: browser-safe, only sends feedback. */
  kind: z.enum(['project', 'public']),
  name: z.string(),
  createdAt: z.string(),
  revoked: z.boolean(),
});
export type ApiKey = z.infer<typeof apiKeySchema>;

export const apiKeyListSchema = z.object({ items: z.array(apiKeySchema) });

export const createApiKeyRequestSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    kind: z.enum(['project', 'public']).default('project'),
  })
  .strict();

/** The only response that ever holds the key itself. */
export const createdApiKeySchema = apiKeySchema.extend({ key: z.string() });
export type CreatedApiKey = z.infer<typeof createdApiKeySchema>;

export const apiKeyPrefixParamSchema = z
  .string()
  .regex(/^(dw|dwpk)_[A-Za-z0-9_-]{8}$/, 'a key prefix is "dw_" (or "dwpk_") and 8 characters');
