'use client';
import { useRouter } from 'next/navigation';
import { useMemo, useState } from 'react';
import type { TopicMap as TopicMapData } from '../../lib/api';
import { topicColor } from './topic-colors';

const W = 720;
const H = 420;
const PAD = 24;

type Point = TopicMapData['points'][number];

/**
 * The last fit's sample on the two principal axes of the topic centres: one dot per call, coloured by topic;
 * hovering shows the request, a click opens its trace. The topic list beside it is the keyboard route to the same.
 */
export function TopicMap({ map }: { map: TopicMapData }) {
  const router = useRouter();
  const [hover, setHover] = useState<Point | null>(null);
  const labels = useMemo(() => new Map(map.topics.map((t) => [t.id, t.label])), [map.topics]);
  const scale = useMemo(() => {
    const xs = [...map.points.map((p) => p.x), ...map.topics.map((t) => t.x)];
    const ys = [...map.points.map((p) => p.y), ...map.topics.map((t) => t.y)];
    const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
    const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
    return {
      x: (v: number) => PAD + ((v - x0) / (x1 - x0 || 1)) * (W - 2 * PAD),
      y: (v: number) => H - PAD - ((v - y0) / (y1 - y0 || 1)) * (H - 2 * PAD),
    };
  }, [map]);

  return (
    <div className="topic-map">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`Map of ${map.points.length} sampled calls in ${map.topics.length} topics`}
        onMouseLeave={() => setHover(null)}
      >
        {map.points.map((p) => (
          <circle
            key={p.spanId}
            className="map-point"
            data-trace={p.traceId}
            cx={scale.x(p.x)}
            cy={scale.y(p.y)}
            r={hover?.spanId === p.spanId ? 6 : 3.5}
            fill={topicColor(p.topicId)}
            fillOpacity={hover && hover.topicId !== p.topicId ? 0.25 : 0.75}
            onMouseEnter={() => setHover(p)}
            onClick={() => router.push(`/traces/${p.traceId}`)}
          />
        ))}
        {map.topics.map((t) => (
          <text
            key={t.id}
            x={scale.x(t.x)}
            y={scale.y(t.y) - 10}
            className="map-label"
            // Near an edge the label runs inwards, so it is never cut off.
            textAnchor={scale.x(t.x) > W - 110 ? 'end' : scale.x(t.x) < 110 ? 'start' : 'middle'}
          >
            {t.label}
          </text>
        ))}
      </svg>
      {hover ? (
        <div
          className="map-tip card"
          role="status"
          style={{
            left: `${(scale.x(hover.x) / W) * 100}%`,
            top: `${(scale.y(hover.y) / H) * 100}%`,
            // Opens towards the middle of the map, so it never runs off an edge.
            transform: `translate(${scale.x(hover.x) > W * 0.6 ? '-100%' : scale.x(hover.x) < W * 0.4 ? '0' : '-50%'}, ${
              scale.y(hover.y) < H * 0.35 ? '14px' : 'calc(-100% - 10px)'
            })`,
          }}
        >
          <span className="map-tip-topic">
            <i style={{ background: topicColor(hover.topicId) }} aria-hidden="true" />
            {labels.get(hover.topicId) ?? hover.topicId}
          </span>
          <span className="map-tip-text">{hover.text || '(no text)'}</span>
          <span className="muted small">Click to open the trace</span>
        </div>
      ) : null}
    </div>
  );
}
