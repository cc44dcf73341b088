'use client';

const W = 120;
const H = 28;

/** A topic's share per bucket as a small line (buckets without assigned calls are left out). */
export function Sparkline({
  values,
  color,
  label,
}: {
  values: (number | null)[];
  color: string;
  label: string;
}) {
  const max = Math.max(0.0001, ...values.map((v) => v ?? 0));
  const step = values.length > 1 ? (W - 4) / (values.length - 1) : 0;
  const d = values
    .map((v, i) =>
      v === null ? null : `${(2 + i * step).toFixed(1)},${(H - 2 - (v / max) * (H - 4)).toFixed(1)}`,
    )
    .filter((p): p is string => p !== null)
    .map((p, i) => `${i ? 'L' : 'M'}${p}`)
    .join('');
  return (
    <svg className="sparkline" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={label}>
      <line x1={0} x2={W} y1={H - 2} y2={H - 2} className="spark-base" />
      {d ? <path d={d} fill="none" stroke={color} strokeWidth={1.8} /> : null}
      {values.map((v, i) =>
        v === null ? null : (
          <circle key={i} cx={2 + i * step} cy={H - 2 - (v / max) * (H - 4)} r={1.8} fill={color} />
        ),
      )}
    </svg>
  );
}
