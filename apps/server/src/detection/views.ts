import type { DetectorSettingsView, ProblemView } from '@driftwatch/api-schema';
import type { DetectorSettings, Problem, TimeWindow } from '@driftwatch/contracts';

const iso = (ms: number) => new Date(ms).toISOString();
const range = (w: TimeWindow) => ({ from: iso(w.fromMs), to: iso(w.toMs) });
const finite = (v: number) => (Number.isFinite(v) ? v : null);

/** The ClickHouse store also says where a problem started (a field the contract does not carry). */
type WithFirstWindow = Problem & { firstWindowFromMs?: number };

export function problemView(p: WithFirstWindow): ProblemView {
  return {
    id: p.id,
    kind: p.kind,
    dimension: p.dimension ?? null,
    value: p.dimension ? (p.value ?? '') : null,
    causeKey: p.causeKey,
    title: p.title,
    statistic: p.statistic,
    score: finite(p.score),
    pValue: finite(p.pValue),
    effectSize: finite(p.effectSize),
    baselineValue: finite(p.baselineValue),
    currentValue: finite(p.currentValue),
    trafficShare: finite(p.trafficShare),
    severity: p.severity,
    status: p.status,
    baseline: range(p.baseline),
    current: range(p.current),
    ...(p.firstWindowFromMs !== undefined ? { firstWindowFrom: iso(p.firstWindowFromMs) } : {}),
    openedAt: iso(p.openedAt),
    lastSeenAt: iso(p.lastSeenAt),
    acknowledgedBy: p.acknowledgedBy,
    acknowledgedAt: p.acknowledgedAt === null ? null : iso(p.acknowledgedAt),
    resolvedBy: p.resolvedBy,
    resolvedAt: p.resolvedAt === null ? null : iso(p.resolvedAt),
    evidence: p.evidence,
  };
}

export function settingsView(s: DetectorSettings): DetectorSettingsView {
  const { fixedBaseline, ...rest } = s;
  return { ...rest, ...(fixedBaseline ? { fixedBaseline: range(fixedBaseline) } : {}) };
}
