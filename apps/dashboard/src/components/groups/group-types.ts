import type { z } from 'zod';
import type {
  endUserListSchema,
  endUserSummarySchema,
  EndUserDetail,
  SessionDetail,
  sessionListSchema,
  sessionSummarySchema,
} from '@driftwatch/api-schema';

export type SessionSummary = z.infer<typeof sessionSummarySchema>;
export type EndUserSummary = z.infer<typeof endUserSummarySchema>;
export type SessionList = z.infer<typeof sessionListSchema>;
export type EndUserList = z.infer<typeof endUserListSchema>;
export type { EndUserDetail, SessionDetail };

export type GroupSort =
  'lastSeen' | 'firstSeen' | 'traceCount' | 'totalTokens' | 'costUsd' | 'durationMs' | 'errorCount';

/** Tokens of a group: unknown when no call reported or estimated any. */
export function groupTokens(g: { inputTokens: number | null; outputTokens: number | null }): number | null {
  return g.inputTokens === null && g.outputTokens === null
    ? null
    : (g.inputTokens ?? 0) + (g.outputTokens ?? 0);
}
