import type { PriceOverride } from '@driftwatch/contracts';
import { z } from 'zod';

/** USD per 1M tokens; a negotiated price may be zero, never negative. */
const rate = z.number().finite().min(0).max(100_000);

export const priceOverrideSchema = z
  .object({
    /** GenAI provider name ("openai", "anthropic", "aws.bedrock" ...); empty or absent: any provider. */
    provider: z.string().trim().max(100).default(''),
    /** The model name exactly as the calls report it (case-insensitive), e.g. "ft:gpt-4o-mini:acme::abc123". */
    model: z.string().trim().min(1).max(200),
    input: rate,
    output: rate,
    cacheRead: rate.optional(),
    cacheWrite: rate.optional(),
    reasoning: rate.optional(),
  })
  .strict() satisfies z.ZodType<PriceOverride>;

/** The project's whole override list, replaced as a whole by PUT; applied to spans ingested afterwards. */
export const priceOverrideListSchema = z
  .object({
    items: z.array(priceOverrideSchema).max(500),
  })
  .strict()
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.items.forEach((item, i) => {
      const key = `${item.provider.toLowerCase()}\u0000${item.model.toLowerCase()}`;
      if (seen.has(key))
        ctx.addIssue({
          code: 'custom',
          path: ['items', i, 'model'],
          message: `${item.model} is listed twice for provider "${item.provider}"`,
        });
      seen.add(key);
    });
  });
export type PriceOverrideList = z.infer<typeof priceOverrideListSchema>;
