import { type ArgumentsHost, BadRequestException, Catch, HttpException } from '@nestjs/common';
import { APP_FILTER, BaseExceptionFilter, HttpAdapterHost } from '@nestjs/core';
import type { z } from 'zod';
import { plainIssue } from './plain-issues.js';

/** Parses a request part with its schema; a failure is a 400 that names each wrong field. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  // A body under another content type arrives as raw bytes (see http/fastify-setup.ts).
  if (Buffer.isBuffer(value))
    throw new BadRequestException(`invalid ${what}: send JSON with content-type: application/json`);
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || what}: ${plainIssue(i)}`).join('; ');
  throw new BadRequestException(`invalid ${what}: ${problems}`);
}

/**
 * Errors raised before a handler runs (the JSON body parser, Fastify's own limits) carry their HTTP status as
 * `statusCode`; Nest would answer 500 for anything not an HttpException. A client error stays a client
 * error, with its message; everything else goes to Nest's handling unchanged.
 */
@Catch()
export class ClientErrorFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    const status = (exception as { statusCode?: unknown } | null)?.statusCode;
    if (
      !(exception instanceof HttpException) &&
      exception instanceof Error &&
      typeof status === 'number' &&
      status >= 400 &&
      status < 500
    ) {
      return super.catch(new HttpException(exception.message, status), host);
    }
    return super.catch(exception, host);
  }
}

/** Registers ClientErrorFilter for every route (explicit inject: no decorator metadata in the build). */
export const CLIENT_ERROR_FILTER = {
  provide: APP_FILTER,
  useFactory: (host: HttpAdapterHost) => new ClientErrorFilter(host.httpAdapter),
  inject: [HttpAdapterHost],
};
