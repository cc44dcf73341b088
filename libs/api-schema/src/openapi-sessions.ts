import type { OpenApiHelpers } from './openapi-alerts.js';
import {
  endUserDetailSchema,
  endUserListSchema,
  groupListQuerySchema,
  groupRangeQuerySchema,
  sessionDetailSchema,
  sessionListSchema,
} from './sessions.js';

/** Sessions and end users of the caller's project (read access). */
export function sessionPaths(h: OpenApiHelpers): Record<string, unknown> {
  const notFound = { '404': { description: 'No traces of it in this project and time range' } };
  return {
    '/api/sessions': {
      get: {
        summary:
          'Sessions (traces sharing session.id) with totals; filter, sort, offset paging, capped total',
        parameters: h.queryParameters(groupListQuerySchema),
        responses: { '200': h.ok('A page of sessions', sessionListSchema), ...h.errorResponses },
      },
    },
    '/api/sessions/{sessionId}': {
      get: {
        summary: 'One session: totals and a page of its turns, oldest first',
        parameters: [h.pathId('sessionId'), ...h.queryParameters(groupRangeQuerySchema)],
        responses: { '200': h.ok('The session', sessionDetailSchema), ...notFound, ...h.errorResponses },
      },
    },
    '/api/end-users': {
      get: {
        summary: 'End users (user.id of traces) with totals; filter, sort, offset paging, capped total',
        parameters: h.queryParameters(groupListQuerySchema),
        responses: { '200': h.ok('A page of end users', endUserListSchema), ...h.errorResponses },
      },
    },
    '/api/end-users/{userId}': {
      get: {
        summary: 'One end user: totals and a page of their sessions, most recent first',
        parameters: [h.pathId('userId'), ...h.queryParameters(groupRangeQuerySchema)],
        responses: { '200': h.ok('The user', endUserDetailSchema), ...notFound, ...h.errorResponses },
      },
    },
  };
}
