'use client';
import { type PointerEvent, useEffect, useId, useRef, useState } from 'react';
import { stripBidiControls } from '../../lib/bidi';
import { UserText } from '../user-text';
import { bucketLabel, timeTicks, timeZoneName } from './time-axis';

export interface Series {
  label: string;
  color: string;
  points: Array<{ t: number; v: number }>;
}

const H = 200;
const PAD = { left: 64, right: 14, top: 12, bottom: 40 };
/** A drag shorter than this is a click. */
const DRAG_PX = 6;

/**
 * A hand-written SVG line chart over a fixed time range, drawn at its real pixel width (labels stay readable
 * on a phone): dated time ticks in the viewer's zone, a tooltip with every series at the bucket under the
 * pointer, click a bucket (`onPick`) or drag across a range (`onZoom`). The accessible name states the range
 * and the latest values.
 */
export function LineChart({
  title,
  series,
  fromMs,
  toMs,
  bucketMs,
  format,
  onZoom,
  onPick,
}: {
  title: string;
  series: Series[];
  fromMs: number;
  toMs: number;
  /** Width of one bucket, for the tooltip and a click's range. */
  bucketMs: number;
  format: (v: number) => string;
  onZoom?: (fromMs: number, toMs: number) => void;
  onPick?: (fromMs: number, toMs: number) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const clipId = `plot-${useId().replace(/:/g, '')}`;
  // Measured before the first drawing, so labels and pointer positions never change size under the reader.
  const [measured, setWidth] = useState<number | null>(null);
  const width = measured ?? 600;
  const [hover, setHover] = useState<number | null>(null);
  const [drag, setDrag] = useState<{ x0: number; x1: number } | null>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(
      ([entry]) => entry && setWidth(Math.max(200, entry.contentRect.width)),
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const max = Math.max(0, ...series.flatMap((s) => s.points.map((p) => p.v)));
  const top = max > 0 ? max * 1.1 : 1;
  const plotW = width - PAD.left - PAD.right;
  const x = (t: number) => PAD.left + ((t - fromMs) / Math.max(1, toMs - fromMs)) * plotW;
  const tAt = (px: number) => fromMs + ((px - PAD.left) / plotW) * (toMs - fromMs);
  const y = (v: number) => H - PAD.bottom - (v / top) * (H - PAD.top - PAD.bottom);
  const times = [...new Set(series.flatMap((s) => s.points.map((p) => p.t)))].sort((a, b) => a - b);
  const ticks = timeTicks(fromMs, toMs, Math.max(4, Math.floor(plotW / 70)));
  const latest = series
    .map((s) => `${stripBidiControls(s.label)} ${format(s.points.at(-1)?.v ?? 0)}`)
    .join(', ');

  const localX = (event: PointerEvent<SVGRectElement>) =>
    event.clientX - event.currentTarget.ownerSVGElement!.getBoundingClientRect().left;
  const nearest = (px: number) => {
    const t = tAt(px);
    let best: number | null = null;
    for (const candidate of times)
      if (best === null || Math.abs(candidate - t) < Math.abs(best - t)) best = candidate;
    return best;
  };
  function up(event: PointerEvent<SVGRectElement>) {
    if (!drag) return;
    const x1 = localX(event);
    setDrag(null);
    if (Math.abs(x1 - drag.x0) >= DRAG_PX && onZoom) {
      const right = Math.max(drag.x0, x1);
      // A drag that ends within a few pixels of the right edge reaches it: the newest bucket can be narrower
      // than those pixels (a few minutes into a half hour), and the drag is meant to keep it.
      const [a, b] = [tAt(Math.min(drag.x0, x1)), right >= PAD.left + plotW - DRAG_PX ? toMs : tAt(right)];
      // Whole buckets: the range covers every bucket the drag touched (a drag to the edge keeps the newest).
      const start = times.filter((t) => t <= a).pop() ?? fromMs;
      const last = times.filter((t) => t <= b).pop();
      const end = last === undefined ? b : last + bucketMs;
      onZoom(Math.max(fromMs, Math.floor(start)), Math.min(toMs, Math.ceil(end)));
    } else if (onPick) {
      const t = nearest(x1);
      if (t !== null) onPick(t, t + bucketMs);
    }
  }

  const hovered = hover === null ? null : hover;
  const tipLeft = hovered === null ? 0 : Math.min(Math.max(0, x(hovered) - 90), width - 190);
  return (
    <figure className="chart card">
      <figcaption>
        <span className="chart-title">{title}</span>
        <span className="legend">
          {series.map((s) => (
            <span key={s.label} className="legend-item">
              <i style={{ background: s.color }} aria-hidden="true" />
              <UserText text={s.label} />
            </span>
          ))}
        </span>
      </figcaption>
      <div className="chart-box" ref={box}>
        {measured === null ? (
          <div style={{ height: H }} />
        ) : (
          <svg
            width={width}
            height={H}
            style={{ width, height: H }}
            role="img"
            aria-label={`${title}: latest ${latest}`}
          >
            {[0, 0.5, 1].map((f) => (
              <g key={f}>
                <line x1={PAD.left} x2={width - PAD.right} y1={y(top * f)} y2={y(top * f)} className="grid" />
                <text x={PAD.left - 6} y={y(top * f) + 4} textAnchor="end" className="axis">
                  {format(top * f)}
                </text>
              </g>
            ))}
            {ticks.map((tick) => (
              <g key={tick.t}>
                <line
                  x1={x(tick.t)}
                  x2={x(tick.t)}
                  y1={H - PAD.bottom}
                  y2={H - PAD.bottom + 4}
                  className="grid"
                />
                <text x={x(tick.t)} y={H - PAD.bottom + 16} textAnchor="middle" className="axis">
                  {tick.label}
                </text>
                {tick.date ? (
                  <text x={x(tick.t)} y={H - PAD.bottom + 31} textAnchor="middle" className="axis date">
                    {tick.date}
                  </text>
                ) : null}
              </g>
            ))}
            <clipPath id={clipId}>
              <rect x={PAD.left - 3} y={0} width={plotW + 6} height={H - PAD.bottom + 3} />
            </clipPath>
            <g clipPath={`url(#${clipId})`}>
              {series.map((s) => {
                const sorted = [...s.points].sort((a, b) => a.t - b.t);
                const d = sorted
                  .map((p, i) => `${i ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`)
                  .join('');
                return (
                  <g key={s.label}>
                    <path d={d} fill="none" stroke={s.color} strokeWidth={2} />
                    {sorted.length < 60
                      ? sorted.map((p) => <circle key={p.t} cx={x(p.t)} cy={y(p.v)} r={2.5} fill={s.color} />)
                      : null}
                  </g>
                );
              })}
            </g>
            {hovered !== null ? (
              <line x1={x(hovered)} x2={x(hovered)} y1={PAD.top} y2={H - PAD.bottom} className="cursor" />
            ) : null}
            {drag ? (
              <rect
                x={Math.min(drag.x0, drag.x1)}
                y={PAD.top}
                width={Math.abs(drag.x1 - drag.x0)}
                height={H - PAD.top - PAD.bottom}
                className="selection"
              />
            ) : null}
            <rect
              x={PAD.left}
              y={PAD.top}
              width={plotW}
              height={H - PAD.top - PAD.bottom}
              className="hit"
              data-testid="chart-area"
              onPointerMove={(event) => {
                const px = localX(event);
                setHover(nearest(px));
                if (drag) setDrag({ ...drag, x1: px });
              }}
              onPointerLeave={() => {
                setHover(null);
                setDrag(null);
              }}
              onPointerDown={(event) => {
                const px = localX(event);
                setDrag({ x0: px, x1: px });
              }}
              onPointerUp={up}
            />
          </svg>
        )}
        {hovered !== null ? (
          <div className="chart-tip" role="tooltip" style={{ left: tipLeft }}>
            <strong>{bucketLabel(hovered, bucketMs)}</strong>
            {series.map((s) => {
              const point = s.points.find((p) => p.t === hovered);
              return (
                <span key={s.label}>
                  <i style={{ background: s.color }} aria-hidden="true" /> <UserText text={s.label} />:{' '}
                  {point ? format(point.v) : '—'}
                </span>
              );
            })}
          </div>
        ) : null}
      </div>
      <p className="chart-zone muted small">Times in {timeZoneName()}</p>
    </figure>
  );
}
