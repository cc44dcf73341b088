import type { ClickHouseClient } from '@clickhouse/client';
import type {
  EndUserSummary,
  GroupListQuery,
  GroupPage,
  GroupTotals,
  SessionReader,
  SessionSummary,
  SessionTurn,
  SessionTurnsQuery,
} from '@driftwatch/contracts';
import { classifyClickHouseError } from './errors.js';
import {
  buildGroupListQueries,
  buildGroupTotalsQuery,
  buildSessionTurnsQueries,
  GROUP_TOTAL_CAP,
  type GroupRow,
  type TurnRow,
} from './session-queries.js';
import { turnTexts } from './turn-text.js';
import { nanosToIso } from './span-view.js';

/** Sessions and end users of a project, aggregated from its spans; every query binds project_id first. */
export class ClickHouseSessionReader implements SessionReader {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
  ) {}

  private async rows<T>(sql: string, params: Record<string, unknown>, what: string): Promise<T[]> {
    try {
      const result = await this.client.query({ query: sql, query_params: params, format: 'JSONEachRow' });
      return await result.json<T>();
    } catch (error) {
      throw classifyClickHouseError(error, what);
    }
  }

  private async page<T>(
    projectId: string,
    key: 'session' | 'user',
    query: GroupListQuery,
    map: (row: GroupRow) => T,
  ): Promise<GroupPage<T>> {
    const { pageSql, countSql, params } = buildGroupListQueries(this.database, projectId, key, query);
    const [rows, [count]] = await Promise.all([
      this.rows<GroupRow>(pageSql, params, `${key} list query failed`),
      this.rows<{ n: string }>(countSql, params, `${key} count query failed`),
    ]);
    const n = Number(count?.n ?? 0);
    return { items: rows.map(map), total: Math.min(n, GROUP_TOTAL_CAP), totalCapped: n > GROUP_TOTAL_CAP };
  }

  listSessions(projectId: string, query: GroupListQuery): Promise<GroupPage<SessionSummary>> {
    return this.page(projectId, 'session', query, toSession);
  }

  listEndUsers(projectId: string, query: GroupListQuery): Promise<GroupPage<EndUserSummary>> {
    return this.page(projectId, 'user', query, toEndUser);
  }

  async sessionTotals(projectId: string, id: string, fromMs: number, toMs: number) {
    const row = await this.totals(projectId, 'session', id, fromMs, toMs);
    return row ? toSession(row) : null;
  }

  async endUserTotals(projectId: string, id: string, fromMs: number, toMs: number) {
    const row = await this.totals(projectId, 'user', id, fromMs, toMs);
    return row ? toEndUser(row) : null;
  }

  private async totals(
    projectId: string,
    key: 'session' | 'user',
    id: string,
    fromMs: number,
    toMs: number,
  ): Promise<GroupRow | null> {
    const { sql, params } = buildGroupTotalsQuery(this.database, projectId, key, id, fromMs, toMs);
    const [row] = await this.rows<GroupRow>(sql, params, `${key} totals query failed`);
    return row && Number(row.trace_count) > 0 ? row : null;
  }

  async sessionTurns(
    projectId: string,
    sessionId: string,
    query: SessionTurnsQuery,
  ): Promise<{ items: SessionTurn[]; total: number }> {
    const { pageSql, countSql, params } = buildSessionTurnsQueries(
      this.database,
      projectId,
      sessionId,
      query,
    );
    const [rows, [count]] = await Promise.all([
      this.rows<TurnRow>(pageSql, params, 'session turns query failed'),
      this.rows<{ n: string }>(countSql, params, 'session count query failed'),
    ]);
    return { items: rows.map(toTurn), total: Number(count?.n ?? 0) };
  }
}

function totalsOf(row: GroupRow): GroupTotals {
  const usageKnown = Number(row.usage_call_count) > 0;
  return {
    firstSeen: nanosToIso(row.first_ns),
    lastSeen: nanosToIso(row.last_ns),
    traceCount: Number(row.trace_count),
    errorCount: Number(row.error_count),
    llmCallCount: Number(row.llm_call_count),
    inputTokens: usageKnown ? Number(row.input_tokens) : null,
    outputTokens: usageKnown ? Number(row.output_tokens) : null,
    usageEstimated: Number(row.usage_estimated) === 1,
    costUsd: row.cost_usd,
    durationMs: Number(row.duration_ns) / 1e6,
  };
}

function toSession(row: GroupRow): SessionSummary {
  return { sessionId: row.group_key, userIds: row.user_ids ?? [], ...totalsOf(row) };
}

function toEndUser(row: GroupRow): EndUserSummary {
  return { userId: row.group_key, sessionCount: Number(row.session_count ?? 0), ...totalsOf(row) };
}

function toTurn(row: TurnRow): SessionTurn {
  const usageKnown = Number(row.usage_calls) > 0;
  return {
    traceId: row.trace_id,
    name: row.root_name,
    startTime: nanosToIso(row.t_start),
    durationMs: Number(BigInt(row.t_end) - BigInt(row.t_start)) / 1e6,
    status: Number(row.failed) ? 'error' : 'ok',
    models: [...row.models].sort(),
    userId: row.uid || null,
    inputTokens: usageKnown ? Number(row.in_tok) : null,
    outputTokens: usageKnown ? Number(row.out_tok) : null,
    costUsd: Number(row.priced) > 0 ? row.cost : null,
    ...turnTexts(row.input_messages, row.output_messages),
  };
}
