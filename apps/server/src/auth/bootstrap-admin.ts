import { randomBytes } from 'node:crypto';
import type { UserStore } from '@driftwatch/contracts';
import { hashPassword } from './password.js';

/**
 * Makes sure an admin can sign in on first start. Returns the password to print only when it was generated
 * now; a configured password is never echoed, and an existing account is left as it is.
 */
export async function bootstrapAdmin(
  users: UserStore,
  email: string,
  configuredPassword: string | undefined,
): Promise<{ email: string; generatedPassword: string | null }> {
  if (users.findByEmail(email)) return { email, generatedPassword: null };
  const password = configuredPassword ?? randomBytes(12).toString('base64url');
  await users.create({
    email,
    name: 'Administrator',
    role: 'admin',
    projects: ['default'],
    passwordHash: await hashPassword(password),
  });
  return { email, generatedPassword: configuredPassword ? null : password };
}
