/** Time-axis ticks at round local instants (on the hour, at midnight...), labelled with the date when it changes. */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const STEPS = [
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  30 * DAY,
];

export interface Tick {
  t: number;
  /** The time ("14:00"), or the date on day steps. */
  label: string;
  /** The date under the first tick and wherever the day changes (time steps only). */
  date: string | null;
}

/** At most `maxTicks` round instants in [fromMs, toMs], in the viewer's time zone. */
export function timeTicks(fromMs: number, toMs: number, maxTicks: number): Tick[] {
  const span = Math.max(1, toMs - fromMs);
  const step = STEPS.find((s) => span / s <= Math.max(1, maxTicks)) ?? STEPS[STEPS.length - 1]!;
  // Round up to the step in local time: whole local days for day steps, local minutes otherwise.
  const first = new Date(fromMs);
  if (step >= DAY) {
    first.setHours(0, 0, 0, 0);
    if (first.getTime() < fromMs) first.setDate(first.getDate() + 1);
  } else {
    const offset = first.getTimezoneOffset() * MINUTE;
    const local = fromMs - offset;
    first.setTime(Math.ceil(local / step) * step + offset);
  }
  const ticks: Tick[] = [];
  let previous: number | null = null;
  for (let t = first.getTime(); t <= toMs && ticks.length < maxTicks + 1;) {
    ticks.push({ t, ...tickLabel(t, step, previous) });
    previous = t;
    if (step >= DAY) {
      const next = new Date(t);
      next.setDate(next.getDate() + Math.round(step / DAY));
      t = next.getTime();
    } else t += step;
  }
  return ticks;
}

function tickLabel(t: number, step: number, previous: number | null): { label: string; date: string | null } {
  const d = new Date(t);
  const date = d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' });
  if (step >= DAY) return { label: date, date: null };
  const time = d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  const newDay = previous === null || new Date(previous).toDateString() !== d.toDateString();
  return { label: time, date: newDay ? date : null };
}

/** The viewer's time zone, as shown beside the axis (e.g. "Europe/Paris", "UTC"). */
export function timeZoneName(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'local time';
}

/** A bucket's time for a tooltip: date, time and the zone's short name. */
export function bucketLabel(t: number, bucketMs: number): string {
  const d = new Date(t);
  const options: Intl.DateTimeFormatOptions =
    bucketMs >= DAY
      ? { day: 'numeric', month: 'short', year: 'numeric' }
      : { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' };
  return d.toLocaleString('en-GB', options);
}
