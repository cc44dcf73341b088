import { z } from 'zod';
import { projectIdSchema as projectId } from './projects.js';

export const roleSchema = z.enum(['admin', 'member', 'viewer']);
export type Role = z.infer<typeof roleSchema>;

export const loginRequestSchema = z
  .object({
    email: z.string().trim().min(3).max(320),
    password: z.string().min(1).max(1000),
  })
  .strict();

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  /** Project ids the user belongs to; admins see every project whatever this holds. */
  projects: z.array(z.string()),
  disabled: z.boolean(),
  createdAt: z.string(),
});
export type User = z.infer<typeof userSchema>;

export const meResponseSchema = z.object({
  user: userSchema,
  role: roleSchema,
  /** The projects this user may open (all of them for an admin). */
  projects: z.array(z.object({ id: z.string(), name: z.string() })),
});
export type MeResponse = z.infer<typeof meResponseSchema>;

/**
 * An email as sign-in accepts it: one @ with text on both sides, no spaces. Local domains (admin@localhost,
 * the bootstrap admin) are valid here as they are at sign-in.
 */
export const accountEmailSchema = z
  .string()
  .trim()
  .max(320, 'must be at most 320 characters')
  .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address like name@example.com or admin@localhost');

export const createUserRequestSchema = z
  .object({
    email: accountEmailSchema,
    name: z.string().trim().max(200).default(''),
    password: z.string().min(12, 'at least 12 characters').max(1000),
    role: roleSchema,
    projects: z.array(projectId).max(1000).default([]),
  })
  .strict();

export const updateUserRequestSchema = z
  .object({
    name: z.string().trim().max(200).optional(),
    role: roleSchema.optional(),
    projects: z.array(projectId).max(1000).optional(),
    password: z.string().min(12, 'at least 12 characters').max(1000).optional(),
    disabled: z.boolean().optional(),
  })
  .strict();

export const userListSchema = z.object({ items: z.array(userSchema) });
