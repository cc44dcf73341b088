'use client';
import { useEffect, useRef, useState } from 'react';
import { type ProblemView } from '../../lib/problems';

type Evidence = ProblemView['evidence'];
const H = 220;
const PAD = { left: 56, right: 12, top: 12, bottom: 28 };

/** The statistic per window with the baseline band and the change point, as an inline SVG that scales. */
export function ProblemChart({
  evidence,
  label,
  format,
}: {
  evidence: Evidence;
  label: string;
  format: (v: number) => string;
}) {
  // Drawn at the figure's pixel width, so the axis text keeps its size from a phone to a wide screen.
  const box = useRef<HTMLElement>(null);
  const [W, setW] = useState(640);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) =>
      setW(Math.max(240, Math.round(entry!.contentRect.width))),
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const series = evidence.series ?? [];
  if (series.length === 0) return <p className="muted small">No series recorded for this problem.</p>;
  const times = series.map((p) => p.timeMs);
  const values = series.map((p) => p.value);
  const band = evidence.band;
  const lo = Math.min(...values, band?.low ?? Infinity, 0);
  const hi = Math.max(...values, band?.high ?? -Infinity) || 1;
  const t0 = Math.min(...times, evidence.changePointMs ?? Infinity);
  const t1 = Math.max(...times, evidence.changePointMs ?? -Infinity);
  const x = (t: number) => PAD.left + (t1 === t0 ? 0.5 : (t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - (v - lo) / (hi - lo || 1)) * (H - PAD.top - PAD.bottom);
  const d = series
    .map((p, i) => `${i ? 'L' : 'M'}${x(p.timeMs).toFixed(1)},${y(p.value).toFixed(1)}`)
    .join('');
  const ticks = [lo, (lo + hi) / 2, hi];
  const fmtTime = (t: number) =>
    new Date(t).toLocaleString('en-GB', {
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
    });
  return (
    <figure className="problem-chart" ref={box}>
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={label}>
        {ticks.map((v, i) => (
          <g key={i}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} className="grid" />
            <text x={PAD.left - 6} y={y(v) + 4} textAnchor="end" className="axis">
              {format(v)}
            </text>
          </g>
        ))}
        {band ? (
          <rect
            data-part="baseline-band"
            x={PAD.left}
            width={W - PAD.left - PAD.right}
            y={y(band.high)}
            height={Math.max(1, y(band.low) - y(band.high))}
            className="band"
          />
        ) : null}
        {evidence.changePointMs !== undefined ? (
          <g data-part="change-point">
            <line
              x1={x(evidence.changePointMs)}
              x2={x(evidence.changePointMs)}
              y1={PAD.top}
              y2={H - PAD.bottom}
              className="change"
            />
            <text x={x(evidence.changePointMs) - 4} y={PAD.top + 10} textAnchor="end" className="axis">
              change
            </text>
          </g>
        ) : null}
        <path d={d} className="line" fill="none" />
        {series.map((p) => (
          <circle key={p.timeMs} cx={x(p.timeMs)} cy={y(p.value)} r={3} className="dot">
            <title>{`${fmtTime(p.timeMs)}: ${format(p.value)}`}</title>
          </circle>
        ))}
        <text x={PAD.left} y={H - 8} className="axis">
          {fmtTime(t0)}
        </text>
        <text x={W - PAD.right} y={H - 8} textAnchor="end" className="axis">
          {fmtTime(t1)}
        </text>
      </svg>
      <figcaption className="muted small">
        {band ? 'Shaded: the baseline band. ' : ''}
        {evidence.changePointMs !== undefined ? 'Dashed line: the change point.' : ''}
      </figcaption>
    </figure>
  );
}
