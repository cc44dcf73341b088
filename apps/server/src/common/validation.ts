import { BadRequestException } from '@nestjs/common';
import type { z } from 'zod';

/** Parses a request part with its schema; a failure is a 400 that names each wrong field. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || what}: ${i.message}`).join('; ');
  throw new BadRequestException(`invalid ${what}: ${problems}`);
}
