'use client';

export interface Series {
  label: string;
  color: string;
  points: Array<{ t: number; v: number }>;
}

const W = 600;
const H = 180;
const PAD = { left: 64, right: 12, top: 12, bottom: 24 };

/**
 * A small hand-written SVG line chart over a fixed time range (buckets without data are simply absent).
 * The figure's accessible name states the range and the latest values for screen readers.
 */
export function LineChart({
  title,
  series,
  fromMs,
  toMs,
  format,
}: {
  title: string;
  series: Series[];
  fromMs: number;
  toMs: number;
  format: (v: number) => string;
}) {
  const max = Math.max(0, ...series.flatMap((s) => s.points.map((p) => p.v)));
  const top = max > 0 ? max * 1.1 : 1;
  const x = (t: number) =>
    PAD.left + ((t - fromMs) / Math.max(1, toMs - fromMs)) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - (v / top) * (H - PAD.top - PAD.bottom);
  const latest = series.map((s) => `${s.label} ${format(s.points.at(-1)?.v ?? 0)}`).join(', ');
  return (
    <figure className="chart card">
      <figcaption>
        <span className="chart-title">{title}</span>
        <span className="legend">
          {series.map((s) => (
            <span key={s.label} className="legend-item">
              <i style={{ background: s.color }} aria-hidden="true" />
              {s.label}
            </span>
          ))}
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}: latest ${latest}`}>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(top * f)} y2={y(top * f)} className="grid" />
            <text x={PAD.left - 6} y={y(top * f) + 4} textAnchor="end" className="axis">
              {format(top * f)}
            </text>
          </g>
        ))}
        <text x={PAD.left} y={H - 6} className="axis">
          {shortTime(fromMs, toMs - fromMs)}
        </text>
        <text x={W - PAD.right} y={H - 6} textAnchor="end" className="axis">
          {shortTime(toMs, toMs - fromMs)}
        </text>
        {series.map((s) => {
          const sorted = [...s.points].sort((a, b) => a.t - b.t);
          const d = sorted
            .map((p, i) => `${i ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`)
            .join('');
          return (
            <g key={s.label}>
              <path d={d} fill="none" stroke={s.color} strokeWidth={2} />
              {sorted.length < 40
                ? sorted.map((p) => <circle key={p.t} cx={x(p.t)} cy={y(p.v)} r={2.5} fill={s.color} />)
                : null}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

function shortTime(ms: number, rangeMs: number): string {
  const d = new Date(ms);
  return rangeMs > 2 * 86_400_000
    ? d.toLocaleDateString('en-GB', { day: '2-digit', month: 'short' })
    : d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
}
