// What each kind of soak client got back: counts per outcome (HTTP status or 'reset', 'timeout', 'closed', ...)
// and how long connections were held.

export class Stats {
  constructor() {
    this.counts = new Map(); // kind -> Map(outcome -> count)
    this.held = new Map(); // name -> { n, max, sum }
  }

  record(kind, outcome) {
    const byOutcome = this.counts.get(kind) ?? new Map();
    byOutcome.set(String(outcome), (byOutcome.get(String(outcome)) ?? 0) + 1);
    this.counts.set(kind, byOutcome);
  }

  duration(name, seconds) {
    const d = this.held.get(name) ?? { n: 0, max: 0, sum: 0 };
    d.n++;
    d.max = Math.max(d.max, seconds);
    d.sum += seconds;
    this.held.set(name, d);
  }

  /** How many answers had this status, over every kind. */
  total(status) {
    let n = 0;
    for (const byOutcome of this.counts.values()) n += byOutcome.get(String(status)) ?? 0;
    return n;
  }

  total5xx() {
    let n = 0;
    for (const byOutcome of this.counts.values())
      for (const [outcome, count] of byOutcome) if (/^5\d\d$/.test(outcome)) n += count;
    return n;
  }

  byKind() {
    return Object.fromEntries([...this.counts].map(([kind, m]) => [kind, Object.fromEntries(m)]));
  }

  durations() {
    return Object.fromEntries(
      [...this.held].map(([name, d]) => [
        name,
        { n: d.n, max: Math.round(d.max), mean: Math.round(d.sum / d.n) },
      ]),
    );
  }

  table() {
    const lines = ['client                 outcomes'];
    for (const [kind, m] of this.counts) {
      const outcomes = [...m].map(([o, c]) => `${o}: ${c}`).join(', ');
      lines.push(`${kind.padEnd(22)} ${outcomes}`);
    }
    for (const [name, d] of this.held) lines.push(`${name.padEnd(22)} n=${d.n} max=${d.max.toFixed(0)} s`);
    return lines.join('\n');
  }
}
