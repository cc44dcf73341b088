import { createHash } from 'node:crypto';
import type {
  DetectionDimension,
  DetectorKind,
  Finding,
  FindingEvidence,
  Problem,
  ProblemStatus,
  TimeWindow,
} from '@driftwatch/contracts';
import { toClickHouseTime } from './clickhouse-time.js';

/** A problem as stored, with the first window it was seen in (re-runs of covered windows open nothing). */
export interface StoredProblem extends Problem {
  firstWindowFromMs: number;
  version: number;
}

const MS = (column: string) => `toUnixTimestamp64Milli(${column})`;

/** problems joined to their latest state; a problem without a state row is open. Binds projectId. */
export function problemsSelect(database: string): string {
  return `SELECT p.problem_id AS problem_id, p.cause_key AS cause_key, p.kind AS kind, p.dimension AS dimension,
      p.value AS value, p.title AS title, p.statistic AS statistic, p.score AS score, p.p_value AS p_value,
      p.effect_size AS effect_size, p.baseline_value AS baseline_value, p.current_value AS current_value,
      p.traffic_share AS traffic_share, p.severity AS severity, p.evidence AS evidence,
      ${MS('p.baseline_from')} AS baseline_from, ${MS('p.baseline_to')} AS baseline_to,
      ${MS('p.current_from')} AS current_from, ${MS('p.current_to')} AS current_to,
      ${MS('p.first_window_from')} AS first_window_from, ${MS('p.opened_at')} AS opened_at,
      ${MS('p.last_seen_at')} AS last_seen_at, p.version AS version,
      if(s.status = '', 'open', s.status) AS status, s.acknowledged_by AS acknowledged_by,
      ${MS('s.acknowledged_at')} AS acknowledged_at, s.resolved_by AS resolved_by,
      ${MS('s.resolved_at')} AS resolved_at
    FROM (SELECT * FROM ${database}.problems FINAL WHERE project_id = {projectId:String}) AS p
    LEFT JOIN (SELECT * FROM ${database}.problem_states FINAL WHERE project_id = {projectId:String}) AS s
      ON p.problem_id = s.problem_id`;
}

export interface ProblemRow {
  problem_id: string;
  cause_key: string;
  kind: DetectorKind;
  dimension: string;
  value: string;
  title: string;
  statistic: string;
  score: number | null;
  p_value: number | null;
  effect_size: number | null;
  baseline_value: number | null;
  current_value: number | null;
  traffic_share: number | null;
  severity: number | null;
  evidence: string;
  baseline_from: string;
  baseline_to: string;
  current_from: string;
  current_to: string;
  first_window_from: string;
  opened_at: string;
  last_seen_at: string;
  version: string;
  status: ProblemStatus;
  acknowledged_by: string;
  acknowledged_at: string | null;
  resolved_by: string;
  resolved_at: string | null;
}

/** Non-finite floats come back as null from ClickHouse's JSON; the domain keeps them as NaN. */
const num = (v: number | string | null) => (v === null ? Number.NaN : Number(v));
const nullableMs = (v: string | null) => (v === null ? null : Number(v));

export function fromRow(projectId: string, r: ProblemRow): StoredProblem {
  return {
    id: r.problem_id,
    projectId,
    causeKey: r.cause_key,
    kind: r.kind,
    ...(r.dimension ? { dimension: r.dimension as DetectionDimension, value: r.value } : {}),
    title: r.title,
    statistic: r.statistic,
    score: num(r.score),
    pValue: num(r.p_value),
    effectSize: num(r.effect_size),
    baselineValue: num(r.baseline_value),
    currentValue: num(r.current_value),
    trafficShare: num(r.traffic_share),
    severity: num(r.severity),
    evidence: parseEvidence(r.evidence),
    status: r.status,
    baseline: { fromMs: Number(r.baseline_from), toMs: Number(r.baseline_to) },
    current: { fromMs: Number(r.current_from), toMs: Number(r.current_to) },
    openedAt: Number(r.opened_at),
    lastSeenAt: Number(r.last_seen_at),
    acknowledgedBy: r.acknowledged_by || null,
    acknowledgedAt: r.acknowledged_by ? nullableMs(r.acknowledged_at) : null,
    resolvedBy: r.resolved_by || null,
    resolvedAt: r.resolved_by ? nullableMs(r.resolved_at) : null,
    firstWindowFromMs: Number(r.first_window_from),
    version: Number(r.version),
  };
}

function parseEvidence(json: string): FindingEvidence {
  try {
    const parsed = JSON.parse(json) as FindingEvidence;
    return { ...parsed, exampleTraceIds: parsed.exampleTraceIds ?? [] };
  } catch {
    return { exampleTraceIds: [] };
  }
}

/** Evidence as stored: lists cut to sizes a page shows, so one problem row stays small whatever a detector sends. */
export function boundedEvidence(e: FindingEvidence): FindingEvidence {
  return {
    ...e,
    exampleTraceIds: e.exampleTraceIds.slice(0, 50),
    ...(e.series ? { series: e.series.slice(-1000) } : {}),
    ...(e.topic
      ? {
          topic: {
            ...e.topic,
            terms: e.topic.terms.slice(0, 50),
            examples: e.topic.examples.slice(0, 20).map((t) => t.slice(0, 2000)),
            ...(e.topic.baselineExamples
              ? { baselineExamples: e.topic.baselineExamples.slice(0, 20).map((t) => t.slice(0, 2000)) }
              : {}),
          },
        }
      : {}),
  };
}

/** Same project, cause and first window -> same id, so two runners opening it at once write one row. */
export function problemId(projectId: string, causeKey: string, firstWindowFromMs: number): string {
  return createHash('sha256')
    .update(`${projectId}\n${causeKey}\n${firstWindowFromMs}`)
    .digest('hex')
    .slice(0, 32);
}

/** A problem freshly seen in `windows`. */
export function opened(
  projectId: string,
  finding: Finding,
  windows: { baseline: TimeWindow; current: TimeWindow },
): StoredProblem {
  return {
    ...finding,
    evidence: boundedEvidence(finding.evidence),
    id: problemId(projectId, finding.causeKey, windows.current.fromMs),
    projectId,
    status: 'open',
    baseline: windows.baseline,
    current: windows.current,
    openedAt: windows.current.toMs,
    lastSeenAt: windows.current.toMs,
    acknowledgedBy: null,
    acknowledgedAt: null,
    resolvedBy: null,
    resolvedAt: null,
    firstWindowFromMs: windows.current.fromMs,
    version: 0,
  };
}

/** An open problem seen again: the newest window's numbers, the largest severity, the widest span of windows. */
export function refreshed(
  p: StoredProblem,
  finding: Finding,
  windows: { baseline: TimeWindow; current: TimeWindow },
): StoredProblem {
  const newer = windows.current.fromMs >= p.current.fromMs;
  const latest = newer
    ? {
        ...finding,
        evidence: boundedEvidence(finding.evidence),
        baseline: windows.baseline,
        current: windows.current,
      }
    : {};
  return {
    ...p,
    ...latest,
    id: p.id,
    severity: Math.max(p.severity, finding.severity),
    lastSeenAt: Math.max(p.lastSeenAt, windows.current.toMs),
    openedAt: Math.min(p.openedAt, windows.current.toMs),
    firstWindowFromMs: Math.min(p.firstWindowFromMs, windows.current.fromMs),
  };
}

const finiteOrNaN = (v: number) => (Number.isFinite(v) ? v : Number.NaN);

export function toRow(p: StoredProblem, version: number): Record<string, unknown> {
  return {
    project_id: p.projectId,
    problem_id: p.id,
    cause_key: p.causeKey,
    kind: p.kind,
    dimension: p.dimension ?? '',
    value: p.dimension ? (p.value ?? '') : '',
    title: p.title,
    statistic: p.statistic,
    score: finiteOrNaN(p.score),
    p_value: finiteOrNaN(p.pValue),
    effect_size: finiteOrNaN(p.effectSize),
    baseline_value: finiteOrNaN(p.baselineValue),
    current_value: finiteOrNaN(p.currentValue),
    traffic_share: finiteOrNaN(p.trafficShare),
    severity: Number.isFinite(p.severity) ? p.severity : 0,
    evidence: JSON.stringify(p.evidence),
    baseline_from: toClickHouseTime(p.baseline.fromMs),
    baseline_to: toClickHouseTime(p.baseline.toMs),
    current_from: toClickHouseTime(p.current.fromMs),
    current_to: toClickHouseTime(p.current.toMs),
    first_window_from: toClickHouseTime(p.firstWindowFromMs),
    opened_at: toClickHouseTime(p.openedAt),
    last_seen_at: toClickHouseTime(p.lastSeenAt),
    version,
  };
}

export function stateRow(p: Problem, version: number): Record<string, unknown> {
  return {
    project_id: p.projectId,
    problem_id: p.id,
    status: p.status,
    acknowledged_by: p.acknowledgedBy ?? '',
    acknowledged_at: p.acknowledgedAt === null ? null : toClickHouseTime(p.acknowledgedAt),
    resolved_by: p.resolvedBy ?? '',
    resolved_at: p.resolvedAt === null ? null : toClickHouseTime(p.resolvedAt),
    version,
  };
}
