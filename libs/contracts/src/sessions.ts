/**
 * Sessions and end users: the traces of a project grouped by the session.id / user.id they carry, with totals.
 * Every call is scoped to one project and one time range.
 */
export type GroupSortField =
  'lastSeen' | 'firstSeen' | 'traceCount' | 'totalTokens' | 'costUsd' | 'durationMs' | 'errorCount';

export interface GroupListQuery {
  /** Inclusive start, exclusive end, ms since epoch (of the traces' spans). */
  fromMs: number;
  toMs: number;
  /** Case-insensitive substring of the session (or user) id. */
  search?: string;
  /** Only groups whose traces include this user (sessions) ... */
  userId?: string;
  /** Only groups with at least one failed trace. */
  hasErrors?: boolean;
  sort: GroupSortField;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/** Totals of one session or one end user over the range. Tokens and cost only from counted model calls. */
export interface GroupTotals {
  firstSeen: string;
  lastSeen: string;
  traceCount: number;
  errorCount: number;
  llmCallCount: number;
  /** null when no counted model call reported or estimated usage. */
  inputTokens: number | null;
  outputTokens: number | null;
  usageEstimated: boolean;
  /** null when no call of the group could be priced. */
  costUsd: number | null;
  /** Sum of the traces' durations. */
  durationMs: number;
}

export interface SessionSummary extends GroupTotals {
  sessionId: string;
  /** Up to 5 end users seen in the session. */
  userIds: string[];
}

export interface EndUserSummary extends GroupTotals {
  userId: string;
  sessionCount: number;
}

export interface GroupPage<T> {
  items: T[];
  /** Groups matching the filters, counted up to `totalCap`; `totalCapped` means "more than totalCap". */
  total: number;
  totalCapped: boolean;
}

/**
 * One trace of a session as a conversation turn: the last user message of its first model call and the reply
 * of its last, cut for display (messages sent only as OTel log events are not read here).
 */
export interface SessionTurn {
  traceId: string;
  name: string;
  startTime: string;
  durationMs: number;
  status: 'ok' | 'error';
  models: string[];
  userId: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  userText: string | null;
  assistantText: string | null;
}

export interface SessionTurnsQuery {
  fromMs: number;
  toMs: number;
  limit: number;
  offset: number;
}

export interface SessionReader {
  listSessions(projectId: string, query: GroupListQuery): Promise<GroupPage<SessionSummary>>;
  listEndUsers(projectId: string, query: GroupListQuery): Promise<GroupPage<EndUserSummary>>;
  /** Totals of one session or user; null when it has no traces in the range. */
  sessionTotals(
    projectId: string,
    sessionId: string,
    fromMs: number,
    toMs: number,
  ): Promise<SessionSummary | null>;
  endUserTotals(
    projectId: string,
    userId: string,
    fromMs: number,
    toMs: number,
  ): Promise<EndUserSummary | null>;
  /** The session's traces oldest first, with the total count for paging. */
  sessionTurns(
    projectId: string,
    sessionId: string,
    query: SessionTurnsQuery,
  ): Promise<{ items: SessionTurn[]; total: number }>;
}
